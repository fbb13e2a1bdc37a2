// The one way cpdiag writes a file: to a temporary name beside it, renamed over it at the end
// (npm's write-file-atomic: a unique temporary name per process and call, removed again when the
// write fails, and an existing file's mode and owner kept). A reader — a user, a CI step, a test
// polling run.json while a run goes on — never sees half a file, and a crash leaves the previous
// version. A write that fails (a full disk, a read-only folder) is the user's to see: one line,
// exit 2, never swallowed and never a stack trace.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import writeFileAtomicPackage from 'write-file-atomic';
import { CpdiagError, EXIT } from './exit-codes.js';

export interface AtomicWriteOptions {
  /**
   * fsync before the rename (default true). The progressive saves made while load runs turn it
   * off: a synchronous fsync stalls the event loop that drives the load, and surviving our own
   * crash needs only the rename; a finished document is made durable when it is written last.
   */
  durable?: boolean;
}

/** Writes `text` to `path` atomically, creating its folder; `what` names the file in the error ("the JUnit report"). */
export function writeFileAtomic(path: string, text: string, what: string, opts: AtomicWriteOptions = {}): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomicPackage.sync(path, text, { fsync: opts.durable ?? true });
  } catch (e) {
    throw new CpdiagError(`cannot write ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.USAGE);
  }
}
