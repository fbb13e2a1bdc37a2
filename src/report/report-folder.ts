// A command's report folder: reports/<UTC timestamp>-<name>/. Created at its first file, so a
// command that fails before it has anything to say (a target that never starts) leaves no empty
// folder, and the timestamp is when the first file was written, as it always was.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CpdiagError, EXIT } from '../exit-codes.js';

export class ReportFolder {
  private dir: string | undefined;

  private constructor(private readonly make: () => string) {}

  /** `<root>/<UTC timestamp>-<name>/`, the folder of a run, a sweep or a gate. */
  static timestamped(root: string, name: string, now: () => Date = () => new Date()): ReportFolder {
    return new ReportFolder(() => join(root, `${utcStamp(now())}-${name.replace(/[^A-Za-z0-9._-]/g, '-')}`));
  }

  /** A folder at a path given as it is. */
  static at(dir: string): ReportFolder {
    return new ReportFolder(() => dir);
  }

  /** The folder's path; created on the first call. */
  path(): string {
    if (this.dir === undefined) {
      const dir = this.make();
      try {
        mkdirSync(dir, { recursive: true });
      } catch (e) {
        throw new CpdiagError(`cannot create the report folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.USAGE, 'choose another with --reports-dir, or --no-report');
      }
      this.dir = dir;
    }
    return this.dir;
  }

  /** The folder's path if a file was written in it. */
  get created(): string | undefined {
    return this.dir;
  }
}

/** 2026-01-31T120000Z: sortable, and no colons (not allowed in file names on every system). */
function utcStamp(now: Date): string {
  return now.toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
}
