// 502/503 from the proxy when the backend is gone, through each real proxy: the proxy's backend
// is a closed loopback port; backend-not-running ranks first, with the refused connects counted
// from the proxy's error log, and nothing about timeouts.
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
  test(`backend down behind ${kind}: backend-not-running first, refused connects in the log, no timeouts`, { skip }, async () => {
    const scenario = loadScenarioFile('scenarios/faults/backend-down-behind-proxy.yaml');
    scenario.proxy = { ...scenario.proxy!, kind };
    scenario.load.duration_s = 1;
    const { record } = await executeRun({ scenario });
    const ids = record.diagnosis!.causes.map((c) => c.id);
    assert.equal(ids[0], 'backend-not-running', ids.join(', '));
    assert.ok(!ids.includes('proxy-read-timeout-shorter-than-handler'), ids.join(', '));
    const p = record.target.proxy!;
    assert.ok((p.connection_refused ?? 0) >= 1, JSON.stringify(p));
    assert.equal(p.upstream_timeouts ?? 0, 0);
    const by = record.summary!.errors.by_kind;
    assert.ok((by.http_502 ?? 0) + (by.http_503 ?? 0) >= 1, JSON.stringify(by));
  });
}
