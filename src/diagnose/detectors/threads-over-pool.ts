// Are there far more threads than the pool accounts for? A snapshot's version of thread-drift.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp } from '../strength.js';

export const id = 'threads-over-pool';

/**
 * Threads a healthy process has besides its workers: main, acceptor, timeout monitor, and the
 * runtime's own (Node's libuv and V8 helpers are about 10). Generous, to avoid false alarms.
 */
const EXTRA_THREADS_ALLOWED = 16;
/**
 * Threads beyond the pool and the allowance, as a share of that expected count: a few are a
 * helper or two; as many again as expected (1x) is growth that is not housekeeping.
 */
const EXCESS_SHARE_FROM = 0.25;
const EXCESS_SHARE_TO = 1;

export const detect: Detector = (f) => {
  const missing: string[] = [];
  if (f.threads === undefined) missing.push('threads');
  if (f.settings?.thread_pool === undefined) missing.push('settings.thread_pool');
  if (missing.length) return insufficient(id, missing);
  const threads = f.threads!;
  const pool = f.settings!.thread_pool!;
  const expected = pool + EXTRA_THREADS_ALLOWED;
  const leaked = f.leaked_threads !== undefined ? `; ${f.leaked_threads} of them parked outside the pool` : '';
  const ev = [evidence('threads', threads, 'threads', `${threads} threads for a pool of ${pool} workers (expected about ${expected}${leaked})`)];
  return graded(id, ramp((threads - expected) / expected, EXCESS_SHARE_FROM, EXCESS_SHARE_TO), ev);
};
