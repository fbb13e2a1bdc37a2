// The JSON forms of the documents: the files (run.json, sweep.json, gate.json, a baseline) and
// what --json prints. One-space indent: readable, and a third smaller than two on a long run.

/** run.json and sweep.json: no newline at the end (as they have always been written). */
export function renderJson(doc: unknown): string {
  return JSON.stringify(doc, null, 1);
}

/** gate.json, a baseline file, and every --json on stdout. */
export function renderJsonLine(doc: unknown): string {
  return `${renderJson(doc)}\n`;
}

/**
 * `cpdiag inspect --json`: two-space indent (its published form), NaN/Infinity (a drift interval
 * with too few samples) as null since JSON has none, and a bigint as its decimal text.
 */
export function renderInspectJson(doc: unknown): string {
  return `${JSON.stringify(doc, finiteReplacer, 2)}\n`;
}

function finiteReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (typeof value === 'bigint') return value.toString();
  return value;
}
