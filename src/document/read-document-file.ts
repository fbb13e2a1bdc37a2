// Reading a saved document (run.json, sweep.json, gate.json, an inspect JSON) back: every way the
// file can be unusable is one line and exit 2, naming the file.
import { readFileSync, statSync } from 'node:fs';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { formatBytes, formatCount } from '../format.js';

/**
 * The largest document read: parsing holds the text and its objects in memory at once (several
 * times the file's size), and the longest sweep cpdiag writes is a few MiB, so anything near this
 * is not a cpdiag document or would exhaust the heap before saying so.
 */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** The parsed JSON of `file`; what it holds is checked by whoever reads it. */
export function readDocumentFile(file: string, maxBytes: number = MAX_DOCUMENT_BYTES): unknown {
  let text: string;
  try {
    // Checked before reading: a FIFO or a device would never end, a huge file would fill the heap.
    const st = statSync(file);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!st.isFile()) throw new CpdiagError(`cannot read ${file}: not a regular file`, EXIT.USAGE);
    if (st.size > maxBytes) {
      throw new CpdiagError(`${file}: ${formatCount(st.size)} bytes, more than the ${formatBytes(maxBytes)} cpdiag reads`, EXIT.USAGE, 'is this a cpdiag document (run.json, sweep.json, gate.json, inspect --json)?');
    }
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof CpdiagError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new CpdiagError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`, EXIT.USAGE);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CpdiagError(`${file}: not valid JSON (${(e as Error).message})`, EXIT.USAGE);
  }
}
