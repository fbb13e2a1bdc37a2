// The proxy-cost arithmetic on rounds shaped like the account's numbers ("CherryPy behind Apache
// with mod_rewrite": direct 460 req/s at 2.2 ms, through Apache 320 req/s at 3.1 ms).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeProxyCost, type ProxyCostRound } from '../../src/analysis/proxy-cost.js';

const round = (rps: number, p50: number, p99: number, cpuS?: number): ProxyCostRound => ({ throughput_rps: rps, p50_ms: p50, p99_ms: p99, requests: rps, errors: 0, ...(cpuS !== undefined ? { proxy_cpu_s: cpuS } : {}) });

test('the account in numbers: +0.9 ms at p50, capacity 0.7 of direct, the proxy CPU per request', () => {
  const direct = [round(455, 2.18, 5.0), round(460, 2.2, 5.2), round(465, 2.22, 5.1), round(458, 2.21, 4.9), round(462, 2.19, 5.3), round(461, 2.2, 5.0)];
  const proxied = [round(318, 3.08, 7.0), round(322, 3.1, 7.2), round(320, 3.12, 7.1), round(319, 3.11, 6.9), round(321, 3.09, 7.3), round(323, 3.1, 7.0)].map((r) => ({ ...r, proxy_cpu_s: 0.1 }));
  const c = computeProxyCost({ proxy: 'apache', proxyLabel: 'Apache [P]', roundS: 1, workload: 'closed loop, 8 connections', closedLoop: true, direct, proxied });
  assert.ok(Math.abs(c.p50_added_ms.estimate - 0.9) < 0.02, JSON.stringify(c.p50_added_ms));
  assert.ok(c.p50_added_ms.ci_low > 0.8 && c.p50_added_ms.ci_high < 1, JSON.stringify(c.p50_added_ms));
  assert.ok(c.p50_added_ms.confidence >= 0.9);
  assert.ok(Math.abs(c.p99_added_ms.estimate - 2) < 0.1, JSON.stringify(c.p99_added_ms));
  assert.ok(Math.abs(c.capacity_ratio.estimate - 320 / 460) < 0.01, JSON.stringify(c.capacity_ratio));
  assert.ok(c.capacity_ratio.ci_low <= c.capacity_ratio.estimate && c.capacity_ratio.estimate <= c.capacity_ratio.ci_high);
  // 6 rounds × 0.1 s of CPU over 6 × ~320 requests relayed.
  assert.ok(Math.abs(c.proxy_cpu_ms_per_request! - 600 / 1923) < 0.01, String(c.proxy_cpu_ms_per_request));
  assert.equal(c.direct.p50_ms, 2.2);
  assert.match(c.sentence, /^Apache adds 0\.9\d* ms \(9\d(\.\d+)?% interval .*\) per request at p50/);
  assert.match(c.sentence, /capacity 0\.69\d? of direct/);
  assert.match(c.sentence, /direct p50 2\.2 ms\) that is \+4\d(\.\d+)?% per request/);
});

test('open loop: a throughput ratio, said not to be a capacity; one round a side is refused', () => {
  const a = [round(100, 20, 30), round(100, 21, 31)];
  const b = [round(100, 21, 32), round(100, 22, 33)];
  const c = computeProxyCost({ proxy: 'nginx', proxyLabel: 'nginx', roundS: 1, workload: 'open loop, 100 req/s', closedLoop: false, direct: a, proxied: b });
  assert.match(c.sentence, /throughput 1 of direct \(open loop, 100 req\/s: the offered rate, not a capacity\)/);
  assert.equal(c.proxy_cpu_ms_per_request, undefined);
  assert.throws(() => computeProxyCost({ proxy: 'nginx', proxyLabel: 'nginx', roundS: 1, workload: '', closedLoop: true, direct: a.slice(0, 1), proxied: b }), /at least 2 rounds/);
});

test('a proxy CPU under what /proc resolves (two 10 ms ticks) is left out, never printed as 0 ms per request', () => {
  const a = [round(150, 6, 11), round(144, 6.1, 11.2)];
  const zero = [round(154, 6.2, 9.7, 0), round(150, 6.2, 9.8, 0)];
  const c = computeProxyCost({ proxy: 'haproxy', proxyLabel: 'HAProxy', roundS: 0.25, workload: 'closed loop, 1 connection', closedLoop: true, direct: a, proxied: zero });
  assert.equal(c.proxy_cpu_ms_per_request, undefined);
  assert.doesNotMatch(c.sentence, /its own CPU/);
  const resolved = [round(154, 6.2, 9.7, 0.01), round(150, 6.2, 9.8, 0.01)];
  const d = computeProxyCost({ proxy: 'haproxy', proxyLabel: 'HAProxy', roundS: 0.25, workload: 'closed loop, 1 connection', closedLoop: true, direct: a, proxied: resolved });
  assert.ok(Math.abs(d.proxy_cpu_ms_per_request! - 20 / 304) < 0.001, String(d.proxy_cpu_ms_per_request));
});
