// Known answers on real processes (short budgets; the machine is shared, so margins are wide).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { executeSweep } from '../../src/sweep/execute-sweep.js';
import { resolveSweepSpec, type SweepFlags } from '../../src/sweep/sweep-spec.js';
import type { SweepStep } from '../../src/sweep/sweep-document.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const PY = '/usr/bin/python3';

function spec(flags: SweepFlags, scenario: Record<string, unknown> = {}, mixGiven = false) {
  return resolveSweepSpec({ preset: 'thread-pool', scenario: parseScenario({ name: 'sweep', ...scenario }), flags: { refine: false, repeats: 0, ...flags }, mixGiven });
}

/** Each step's ladder, for a failure message: offered → completed req/s, p99 ms, errors, machine busy. */
function ladders(steps: SweepStep[], values: number[]): string {
  return steps.filter((s) => values.includes(s.value)).map((s) => `pool ${s.value} (${s.origin}): ${s.levels.map((l) => `${l.offered_rps ?? l.connections}→${Math.round(l.throughput_rps)} p99 ${Math.round(l.latency_ms.p99 ?? NaN)} err ${l.errors.total} busy ${l.machine_cpu?.busy_share.toFixed(2) ?? '?'}`).join(', ')}`).join('; ');
}

function capacity(steps: SweepStep[], value: number): number {
  const s = steps.find((x) => x.value === value);
  assert.ok(s && s.status === 'ok', `step ${value}: ${s?.error ?? 'missing'}`);
  return s.capacity_rps ?? 0;
}

test('I/O-bound (io_ms=20, cpu_ms=1, GIL on): capacity follows the pool, then flattens where N/S meets the CPU limit', async () => {
  // 2 → 4 is the linear region; N/S meets the CPU limit near 16–32 (service ≈ 21 ms, about
  // 1,000 rps of 1 ms CPU under the GIL, less with the load generator on the same cores).
  const values = [2, 4, 16, 32];
  // One repeat per candidate (3 short searches): the path the default sweep takes, kept short here.
  const { doc } = await executeSweep({ spec: spec({ values: values.join(","), levelS: 0.6, maxLevels: 5, repeats: 1 }) });
  const planned = doc.steps.filter((s) => s.origin === 'plan');
  assert.equal(planned.length, values.length);
  const caps = values.map((v) => capacity(doc.steps, v));
  // Linear region: doubling a small pool nearly doubles capacity (2× expected; 1.4× margin). A
  // disturbance of the shared machine lasting a few levels (seen once in CI: pool 4 read 100
  // requests/s, its level at 140 — 75% utilisation — and the bisections below it all failed) cuts
  // one step's capacity short; the pair is
  // then measured once more, and the retry printed, so that only a repeatable shortfall fails.
  if (caps[1] < 1.4 * caps[0]) {
    console.log(`# capacity 2→4: ${caps[0]} → ${caps[1]}, measuring the pair again; ${ladders(doc.steps, [2, 4])}`);
    const again = await executeSweep({ spec: spec({ values: '2,4', levelS: 0.6, maxLevels: 5 }) });
    const [two, four] = [2, 4].map((v) => capacity(again.doc.steps, v));
    assert.ok(four >= 1.4 * two, `capacity 2→4 twice short: ${caps[0]} → ${caps[1]}, then ${two} → ${four}; ${ladders(again.doc.steps, [2, 4])}`);
  }
  // The limit: the best capacity is where N/S meets the measured plateau.
  const plateau = Math.max(...caps);
  const serviceS = (doc.steps[0].service_time_ms ?? NaN) / 1000;
  const crossing = plateau * serviceS;
  const nearest = values.reduce((best, v) => (Math.abs(Math.log(v / crossing)) < Math.abs(Math.log(best / crossing)) ? v : best), values[0]);
  assert.ok(doc.knee && doc.knee.value !== null, `knee: ${JSON.stringify(doc.knee)}`);
  const distance = Math.abs(values.indexOf(doc.knee.value!) - values.indexOf(nearest));
  assert.ok(distance <= 1, `knee ${doc.knee.value} vs N/S meets the limit at ${crossing.toFixed(1)} (nearest ${nearest}); capacities ${caps.join(', ')}`);
  assert.ok(doc.recommendation && doc.recommendation.value !== null);
  assert.match(doc.recommendation.reason, /^server\.thread_pool = \d+: /);
  assert.ok(doc.diagnosis, 'diagnosis embedded');
  assert.ok(doc.steps.every((s) => s.levels.length >= 2 && s.probes.length > 5));
  // Repeats at the leading candidates, and a range that contains the recommendation.
  const repeats = doc.steps.filter((s) => s.origin === 'repeat');
  assert.ok(repeats.length >= 1 && repeats.length <= 3, `${repeats.length} repeats`);
  assert.ok(repeats.every((r) => planned.some((p) => p.value === r.value)), 'repeats measure planned values again');
  const range = doc.recommendation.range!;
  assert.ok(range && range.low === doc.recommendation.value && (range.high === null || range.high >= range.low), JSON.stringify(range));
  assert.match(doc.recommendation.test ?? '', /one-sided t-test|no value was measured twice/);
  // The whole machine's CPU per level, split three ways.
  for (const level of planned.flatMap((s) => s.levels)) {
    const m = level.machine_cpu;
    assert.ok(m && m.busy_share > 0 && m.busy_share <= 1 && m.target_share > 0, JSON.stringify(m));
    assert.ok(Math.abs(m.target_share + m.cpdiag_share + m.other_share - m.busy_share) < 0.01);
  }
});

test('CPU-bound (cpu_ms=5, GIL on): capacity flat from N=1, more threads do not help', async () => {
  const values = [1, 4, 16];
  const { doc } = await executeSweep({
    spec: spec({ values: values.join(','), levelS: 0.6, maxLevels: 5 }, { mix: [{ path: '/work?cpu_ms=5' }] }, true),
  });
  const caps = values.map((v) => capacity(doc.steps, v));
  // One core's worth of 5 ms CPU work: at most 200 rps, whatever the pool (16 workers doing I/O
  // instead would serve 16× what one does).
  for (const c of caps) assert.ok(c > 0 && c <= 230, `capacity ${c}`);
  assert.ok(Math.max(...caps) <= 2 * Math.min(...caps), `flat: ${caps.join(', ')}`);
  assert.match(doc.recommendation!.reason, /more threads do not help/);
  assert.ok(doc.recommendation!.value !== null && doc.recommendation!.value <= 4);
});

test('a real CherryPy app through a command target: knee and recommendation; a value whose target dies is a finding', { skip: !existsSync(PY) && 'no /usr/bin/python3' }, async () => {
  const app = `${REPO}examples/cherrypy/app.py`;
  // Pools above 32 "fail" the way a real server out of descriptors does: exit before ready.
  const cmd = `/bin/sh -c 'if [ {thread_pool} -gt 32 ]; then echo "OSError: [Errno 24] Too many open files (EMFILE)" >&2; exit 1; fi; exec ${PY} ${app} --port {port} --thread-pool {thread_pool}'`;
  // Three values that run (at least 3 are needed for a recommendation since issue 11; 4,32,64 had 2).
  const s = spec({ values: '4,16,32,64', levelS: 0.6, maxLevels: 5 }, { target: { kind: 'command', command: cmd, ready_path: '/' } });
  const { doc, allFailed } = await executeSweep({ spec: s });
  assert.equal(allFailed, false);
  const failed = doc.steps.find((x) => x.value === 64)!;
  assert.equal(failed.status, 'failed');
  assert.match(failed.error ?? '', /^thread_pool=64: target exited before it was ready \(exit code 1\): OSError: \[Errno 24\] Too many open files \(EMFILE\)$/);
  for (const v of [4, 16, 32]) assert.ok(capacity(doc.steps, v) > 0);
  assert.ok(doc.knee, 'a knee');
  assert.ok(doc.recommendation && doc.recommendation.value !== null, doc.recommendation?.reason);
  assert.ok(doc.steps.find((x) => x.value === 32)!.threads_by_state_mean, 'thread states from /proc');
});

test('timeout sweep: a socket_timeout below the slow clients\' 1 s pause cuts them off, one above keeps them', async () => {
  const s = resolveSweepSpec({ preset: 'timeout', scenario: parseScenario({ name: 'sweep' }), flags: { values: '0.5,3', levelS: 2.5 }, mixGiven: false });
  assert.equal(s.refine, false);
  const { doc } = await executeSweep({ spec: s });
  const short = doc.steps.find((x) => x.value === 0.5)!;
  const long = doc.steps.find((x) => x.value === 3)!;
  assert.ok(short.timeout && long.timeout, 'trade-off numbers per value');
  assert.ok(short.timeout.slow_failed > 0, `cut off at 0.5 s: ${JSON.stringify(short.timeout)}`);
  assert.equal(long.timeout.slow_failed, 0, `kept at 3 s: ${JSON.stringify(long.timeout)}`);
  assert.ok(long.timeout.worker_seconds_held > 0);
  assert.match(doc.recommendation!.reason, /^server\.socket_timeout = (0\.5|3): normal clients p99/);
});
