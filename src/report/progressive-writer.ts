// The document's JSON file rewritten as it grows (run.json, sweep.json), atomically, at most once
// a second unless forced: the sink the output stage hands to an executor.
import type { DocumentSink } from '../document-sink.js';
import { writeFileAtomic } from '../atomic-file.js';

const MIN_WRITE_INTERVAL_MS = 1000;

export class ProgressiveWriter<T> implements DocumentSink<T> {
  private lastWriteMs = 0;

  /** `path` is asked for at the first write: the report folder is created then, not before. */
  constructor(
    private readonly path: () => string,
    private readonly render: (doc: T) => string,
    private readonly what: string,
  ) {}

  update(doc: T, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastWriteMs < MIN_WRITE_INTERVAL_MS) return;
    this.lastWriteMs = now;
    writeFileAtomic(this.path(), this.render(doc), this.what, { durable: false });
  }
}
