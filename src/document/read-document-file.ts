// Reading a saved document (run.json, sweep.json, an inspect JSON) back: every way the file can be
// unusable is one line and exit 2, naming the file.
import { readFileSync } from 'node:fs';
import { CpdiagError, EXIT } from '../exit-codes.js';

/** The parsed JSON of `file`; what it holds is checked by whoever reads it. */
export function readDocumentFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CpdiagError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`, EXIT.USAGE);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CpdiagError(`${file}: not valid JSON (${(e as Error).message})`, EXIT.USAGE);
  }
}
