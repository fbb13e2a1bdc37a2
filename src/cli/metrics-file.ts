// `run --metrics-file FILE`: the run's series as OpenMetrics text with a timestamp per point.
import { writeFileSync } from 'node:fs';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { metricsFromRun } from '../report/metrics-from-run.js';
import { renderOpenMetrics } from '../report/openmetrics.js';
import type { RunRecord } from '../run/run-record.js';

export function writeRunMetricsFile(path: string, record: RunRecord): void {
  try {
    writeFileSync(path, renderOpenMetrics(metricsFromRun(record)));
  } catch (e) {
    throw new CpdiagError(`cannot write --metrics-file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.USAGE);
  }
}
