// Ctrl-C handling shared by every long-running command: the first SIGINT/SIGTERM aborts the work
// (which then keeps its partial results and stops its targets); a second one kills the children
// and exits at once.
import { terminateAll } from '../target/child-registry.js';
import { EXIT } from '../exit-codes.js';
import { printWarning } from './output.js';

export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let count = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      printWarning(`${sig === 'SIGINT' ? 'interrupted (Ctrl-C)' : sig}: stopping and keeping partial results; press Ctrl-C again to quit at once`);
      controller.abort();
    } else {
      void terminateAll(200).finally(() => process.exit(EXIT.INTERRUPTED));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
