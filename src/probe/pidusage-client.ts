// pidusage 4 is CommonJS without bundled types; this is the one place that loads it, typed to the
// part cpdiag uses. pidusage keeps a per-pid history to turn CPU ticks into a percentage, so its
// first call for a pid answers cpu 0: callers prime it once before the first real sample.
import { createRequire } from 'node:module';

export interface PidUsage {
  /** Percent of one core since the previous call for this pid (100 = one core busy). */
  cpu: number;
  /** RSS in bytes. */
  memory: number;
  /** CPU time consumed, ms. */
  ctime: number;
  elapsed: number;
}

type PidusageFn = ((pid: number) => Promise<PidUsage>) & { clear(): void };

const require = createRequire(import.meta.url);
const pidusage = require('pidusage') as PidusageFn;

export async function readPidUsage(pid: number): Promise<PidUsage | undefined> {
  try {
    return await pidusage(pid);
  } catch {
    return undefined; // the process is gone; the caller finds out from /proc
  }
}
