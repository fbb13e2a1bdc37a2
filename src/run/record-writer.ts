// Writes a JSON document to disk as it grows, atomically (write + rename), so that Ctrl-C or a
// crashed target still leaves a readable file, marked incomplete.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MIN_WRITE_INTERVAL_MS = 1000;

export class DocumentWriter<T> {
  private lastWriteMs = 0;
  constructor(readonly path: string) {}

  /** Writes at most once a second unless forced. */
  update(doc: T, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastWriteMs < MIN_WRITE_INTERVAL_MS) return;
    this.lastWriteMs = now;
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(doc, null, 1));
    renameSync(tmp, this.path);
  }
}

/** reports/<UTC timestamp>-<name>/ (created). */
export function createReportDir(root: string, name: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
  const dir = join(root, `${stamp}-${name.replace(/[^A-Za-z0-9._-]/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
