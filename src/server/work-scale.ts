// CPDIAG_WORK_SCALE multiplies the io_ms and cpu_ms of /work (default 1), so that "the same
// server with a 20% slower handler" (1.2) can be started for gate power experiments without a
// second build. Read once at start-up; a bad value refuses to start rather than run unscaled.
import { CpdiagError, EXIT } from '../exit-codes.js';

export const WORK_SCALE_ENV = 'CPDIAG_WORK_SCALE';
/** Beyond this a typo (120 for 1.20) would pin workers for minutes. */
export const MAX_WORK_SCALE = 100;

export function parseWorkScale(env: NodeJS.ProcessEnv): number {
  const text = env[WORK_SCALE_ENV];
  if (text === undefined || text.trim() === '') return 1;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > MAX_WORK_SCALE) {
    throw new CpdiagError(`${WORK_SCALE_ENV}=${text}: expected a number above 0 and at most ${MAX_WORK_SCALE} (1 = unchanged)`, EXIT.USAGE);
  }
  return value;
}
