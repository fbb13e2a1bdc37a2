// The process tree in the findings: processes and threads at their extremes, and the requests each
// process of a pool served over the window (the difference of its first and last counters).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processTreeFindings } from '../../src/run/process-tree-findings.js';
import type { ProbeSample } from '../../src/probe/probe-sample.js';

function sample(t: number, threads: number, processes: number, createdPerS: number, perProcess?: number[]): ProbeSample {
  return {
    t_s: t, pid: 1, cpu_percent: 10, rss_bytes: 1, threads, threads_by_state: {}, fds: 1, fds_by_type: { socket: 0, file: 1, pipe: 0, anon_inode: 0, other: 0 }, fd_limit: 1024,
    ctx_voluntary: 0, ctx_involuntary: 0, tcp_by_state: {}, processes, processes_created_per_s: createdPerS,
    ...(perProcess ? { server: { threads: 8, busy: 1, idle: 7, queue: 0, errors: 0, requests_by_process: perProcess } } : {}),
  };
}

test('fork per request and thread per request show in the process tree', () => {
  const f = processTreeFindings([sample(0, 12, 1, 0), sample(1, 40, 9, 35), sample(2, 14, 2, 4)]);
  assert.deepEqual(f.process_tree, { processes_max: 9, created_per_s_max: 35, threads_min: 12, threads_max: 40 });
  assert.equal(f.requests_per_process, undefined);
});

test('requests per process over the window, from the pool\'s cumulative counters', () => {
  const f = processTreeFindings([sample(0, 20, 3, 0, [100, 90]), sample(1, 20, 3, 0, [400, 150])]);
  assert.deepEqual(f.requests_per_process, [300, 60]);
});
