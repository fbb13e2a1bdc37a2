// Interruption handling shared by every long-running command: the first SIGINT (Ctrl-C), SIGTERM
// or SIGHUP (the terminal went away) aborts the work, which then keeps its partial results and
// stops its targets; a second one kills the children and exits at once. A reader that closed our
// stdout (`cpdiag sweep | head -1`) stops the work the same way: nobody is reading the results.
// Whatever no handler sees (SIGKILL) is the watchdog's (src/target/watchdog.ts).
import { terminateAll } from '../target/child-registry.js';
import { EXIT } from '../exit-codes.js';
import { printWarning } from './output.js';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

let stdoutClosed = false;
let onStdoutClosed: (() => void) | undefined;

/**
 * Installed once and kept: after the reader of stdout is gone every later write fails the same
 * way, and an unhandled EPIPE would end cpdiag with a stack trace instead of its exit code.
 */
function watchStdout(): void {
  if (process.stdout.listeners('error').includes(onStdoutError)) return;
  process.stdout.on('error', onStdoutError);
  // stderr gone too (`2>&1 | head`): warnings have nowhere to go; that is no reason to crash.
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
}

function onStdoutError(e: NodeJS.ErrnoException): void {
  if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  if (stdoutClosed) return;
  stdoutClosed = true;
  onStdoutClosed?.();
}

export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let count = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      const what = sig === 'SIGINT' ? 'interrupted (Ctrl-C)' : sig === 'SIGHUP' ? 'SIGHUP (terminal closed)' : sig;
      printWarning(`${what}: stopping and keeping partial results; press Ctrl-C again to quit at once`);
      controller.abort();
    } else {
      void terminateAll(200).finally(() => process.exit(EXIT.INTERRUPTED));
    }
  };
  for (const sig of SIGNALS) process.on(sig, onSignal);
  watchStdout();
  onStdoutClosed = () => {
    printWarning('stdout was closed: stopping and keeping partial results');
    controller.abort();
  };
  if (stdoutClosed) controller.abort();
  try {
    return await work(controller.signal);
  } finally {
    for (const sig of SIGNALS) process.off(sig, onSignal);
    onStdoutClosed = undefined;
  }
}
