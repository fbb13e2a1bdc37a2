// Reading a saved document (run.json, sweep.json, gate.json, an inspect JSON) back: every way the
// file can be unusable is one line and exit 2, naming the file — including a file larger than any
// document (MAX_DOCUMENT_BYTES: /dev/zero, a pipe, the wrong file), refused before it fills memory.
import { MAX_DOCUMENT_BYTES, readBoundedText } from '../bounded-read.js';
import { CpdiagError, EXIT } from '../exit-codes.js';

export { MAX_DOCUMENT_BYTES };

/** The parsed JSON of `file`; what it holds is checked by whoever reads it. */
export function readDocumentFile(file: string, maxBytes: number = MAX_DOCUMENT_BYTES): unknown {
  const text = readBoundedText(file, maxBytes, 'the document');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CpdiagError(`${file}: not valid JSON (${(e as Error).message})`, EXIT.USAGE);
  }
}
