// Reading a saved document (run.json, sweep.json, an inspect JSON) back: every way the file can be
// unusable is one line and exit 2, naming the file — including a file larger than any document
// (MAX_DOCUMENT_BYTES: /dev/zero, a pipe, the wrong file), which is refused before it fills memory.
import { MAX_DOCUMENT_BYTES, readBoundedText } from '../bounded-read.js';
import { CpdiagError, EXIT } from '../exit-codes.js';

/** The parsed JSON of `file`; what it holds is checked by whoever reads it. */
export function readDocumentFile(file: string): unknown {
  const text = readBoundedText(file, MAX_DOCUMENT_BYTES, 'the document');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CpdiagError(`${file}: not valid JSON (${(e as Error).message})`, EXIT.USAGE);
  }
}
