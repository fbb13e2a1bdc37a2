// --reports-dir / --no-report as the output stage takes them.
import { ReportFolder } from '../report/report-folder.js';

/** The report folder `<reportsRoot>/<UTC time>-<name>/`, or none when `reportsRoot` is null (--no-report). */
export function reportFolder(reportsRoot: string | null, name: string): ReportFolder | undefined {
  return reportsRoot === null ? undefined : ReportFolder.timestamped(reportsRoot, name);
}

/** Commander's --no-report sets `report` false; --reports-dir has a default. */
export function reportsRootOf(opts: Record<string, unknown>): string | null {
  return opts.report === false ? null : (opts.reportsDir as string);
}
