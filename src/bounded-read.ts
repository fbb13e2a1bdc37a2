// Reading a file the user names, at most a stated size. readFileSync trusts the size the file
// reports, which a device or a pipe does not have: `cpdiag diagnose /dev/zero` read zeros until
// memory ran out. Here a file is read in chunks up to its limit, and one that goes past it
// (however it came about: a device, a FIFO, a runaway log) is refused with exit 2.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { CpdiagError, EXIT } from './exit-codes.js';
import { formatBytes } from './format.js';

const MIB = 1024 * 1024;
/**
 * Saved documents (run.json, sweep.json, gate/inspect JSON, baselines): a 1 h run sampled at 20 Hz
 * is about 50 MiB, and parsing holds the text and its objects at once (several times the file's
 * size), so anything past this is not a cpdiag document or would exhaust the heap before saying so.
 */
export const MAX_DOCUMENT_BYTES = 256 * MIB;
/** Files a person writes: scenarios, CherryPy config files, request bodies. */
export const MAX_INPUT_FILE_BYTES = 8 * MIB;

const CHUNK_BYTES = 1024 * 1024;

/**
 * The bytes of `path`, refused (exit 2, naming `what`) when it is not a readable file or holds
 * more than `maxBytes`. Never holds more than maxBytes + one chunk in memory.
 */
export function readBoundedFile(path: string, maxBytes: number, what = 'file'): Buffer {
  let fd: number;
  try {
    // A named pipe with no writer would block the open itself, for ever: refused before opening.
    const kind = statSync(path);
    if (kind.isFIFO() || kind.isSocket()) throw new CpdiagError(`cannot read ${what} ${path}: not a regular file`, EXIT.USAGE);
    fd = openSync(path, 'r');
  } catch (e) {
    if (e instanceof CpdiagError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new CpdiagError(`cannot read ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? (e as Error).message)}`, EXIT.USAGE);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new CpdiagError(`cannot read ${what} ${path}: is a directory`, EXIT.USAGE);
    // A regular file says its size: refused before a byte is read.
    if (st.isFile() && st.size > maxBytes) throw tooLarge(path, maxBytes, what);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new CpdiagError(`cannot read ${what} ${path}: ${code === 'EISDIR' ? 'is a directory' : (code ?? (e as Error).message)}`, EXIT.USAGE);
      }
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > maxBytes) throw tooLarge(path, maxBytes, what);
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(path: string, maxBytes: number, what: string): CpdiagError {
  return new CpdiagError(`${what} ${path} is larger than ${formatBytes(maxBytes)}, the most cpdiag reads: refused`, EXIT.USAGE, 'is it the right file? (a device or a pipe never ends)');
}

/** As readBoundedFile, decoded as UTF-8 text. */
export function readBoundedText(path: string, maxBytes: number, what = 'file'): string {
  return readBoundedFile(path, maxBytes, what).toString('utf8');
}
