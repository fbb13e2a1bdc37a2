// The backend dies mid-run behind each real proxy (faults: kill_target): the run goes on through
// the proxy, the kill is recorded as target_killed (not a crash: the run completes, exit 0), the
// requests before it succeed and the proxy answers 502/503 after it, its error log counts refused
// connects and no timeouts, and backend-not-running ranks first — not a keep-alive mismatch (the
// resets of the kept connections at the kill) nor a read timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { executeRun } from '../../src/run/execute-run.js';
import { findApache } from '../../src/proxy/apache.js';
import { findNginx } from '../../src/proxy/nginx.js';

for (const [kind, skip] of [
  ['apache', findApache() === undefined && 'apache2 not installed'],
  ['nginx', findNginx() === undefined && 'nginx not installed'],
] as const) {
  test(`backend killed mid-run behind ${kind}: measured on, 502/503 after the kill, backend-not-running first`, { skip }, async () => {
    const scenario = loadScenarioFile('scenarios/faults/backend-killed-behind-proxy.yaml');
    scenario.proxy = { ...scenario.proxy!, kind };
    scenario.load.duration_s = 1.2;
    scenario.faults = [{ at_s: 0.4, kill_target: true }];
    const { record, targetDied } = await executeRun({ scenario });
    assert.equal(targetDied, false, 'a deliberate kill is not a death that fails the run');
    assert.equal(record.complete, true);
    const killed = record.events.find((e) => e.kind === 'target_killed');
    assert.ok(killed, JSON.stringify(record.events));
    assert.ok(killed.t_s >= 0.3 && killed.t_s < 1.2, `killed at ${killed.t_s} s`);
    // Measured on after the kill: the last window still has answers (the proxy's).
    const last = record.series[record.series.length - 1];
    assert.ok(last.t_s + last.duration_s >= 1, `the series stops at ${last.t_s + last.duration_s} s`);
    const by = record.summary!.errors.by_kind;
    const gateway = (by.http_502 ?? 0) + (by.http_503 ?? 0);
    assert.ok(gateway >= 1, JSON.stringify(by));
    assert.ok(record.summary!.requests - record.summary!.errors.total >= 1, 'requests before the kill succeeded');
    const p = record.target.proxy!;
    assert.ok((p.connection_refused ?? 0) >= 1, JSON.stringify(p));
    assert.equal(p.upstream_timeouts ?? 0, 0);
    const ids = record.diagnosis!.causes.map((c) => c.id);
    assert.equal(ids[0], 'backend-not-running', ids.join(', '));
    assert.ok(!ids.includes('keepalive-mismatch'), ids.join(', '));
    assert.ok(!ids.includes('proxy-read-timeout-shorter-than-handler'), ids.join(', '));
  });
}
