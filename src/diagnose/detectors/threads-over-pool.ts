// Are there far more threads than the pool accounts for? A snapshot's version of thread-drift.
import type { Detector } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';

export const id = 'threads-over-pool';

/**
 * Threads a healthy process has besides its workers: main, acceptor, timeout monitor, and the
 * runtime's own (Node's libuv and V8 helpers are about 10). Generous, to avoid false alarms.
 */
const EXTRA_THREADS_ALLOWED = 16;
/** Twice the pool plus the allowance: beyond that the growth is not runtime housekeeping. */
const POOL_MULTIPLE = 2;

export const detect: Detector = (f) => {
  const missing: string[] = [];
  if (f.threads === undefined) missing.push('threads');
  if (f.settings?.thread_pool === undefined) missing.push('settings.thread_pool');
  if (missing.length) return insufficient(id, missing);
  const threads = f.threads!;
  const pool = f.settings!.thread_pool!;
  const expected = pool * POOL_MULTIPLE + EXTRA_THREADS_ALLOWED;
  const ev = [evidence('threads', threads, 'threads', `${threads} threads for a pool of ${pool} workers (expected at most ~${expected})`)];
  return threads > expected ? issue(id, clamp01(0.5 + (threads - expected) / (2 * expected)), ev) : none(id, ev);
};
