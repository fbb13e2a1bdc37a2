// When the reader of stdout or stderr goes away (`cpdiag sweep --help | head`, a CI step that
// stops reading), a write fails with EPIPE, which Node raises as an 'error' event: unhandled, it
// prints a stack trace and exits 1. Here the failed stream is given up quietly instead: later
// writes to it are dropped, the command ends as it would have (its files written, its targets
// stopped) with its usual exit code, and anything that only prints (inspect --watch) can stop.
import { EXIT } from '../exit-codes.js';

const onStdoutClosed = new Set<() => void>();
let stdoutClosed = false;

/** Installs the handlers on process.stdout and process.stderr (once, from cli/main.ts). */
export function guardClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') {
        // Another failure (a full disk behind `> file`): the output is incomplete, so say so.
        if (stream === process.stdout) {
          try {
            process.stderr.write(`error: cannot write the output: ${e.code ?? e.message}\n`);
          } catch {
            // stderr is gone too
          }
          process.exitCode = EXIT.USAGE;
        }
      }
      if (stream === process.stdout && !stdoutClosed) {
        stdoutClosed = true;
        for (const f of onStdoutClosed) f();
      }
    });
  }
}

/** Calls `f` once stdout can no longer be written (the reader went away). Returns an unsubscribe. */
export function whenStdoutCloses(f: () => void): () => void {
  if (stdoutClosed) {
    f();
    return () => {};
  }
  onStdoutClosed.add(f);
  return () => onStdoutClosed.delete(f);
}
