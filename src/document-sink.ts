// Where an executor saves its document as it grows (a run after every window, a sweep after every
// level and step), so that Ctrl-C or a crashed target still leaves a readable file, marked
// incomplete (`complete: false`). The executor decides when to save; where the document goes, and
// in which form, is the output stage's (src/report/output-stage.ts), which hands the sink in.

export interface DocumentSink<T> {
  /** Saves `doc`; without `force`, at most about once a second (a save per window would cost more than it keeps). */
  update(doc: T, force?: boolean): void;
}
