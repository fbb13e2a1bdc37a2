// The application's own 500s, relayed by a proxy (issue 15): backend-returned-5xx first, tied to
// the backend's own count of its 5xx and the proxy's access log, told apart from the backend being
// gone (backend-not-running) and from the proxy's own 500s. nginx runs in test/run/faults.test.ts
// from scenarios/faults/backend-5xx-behind-proxy.yaml; here Apache and no proxy, and the same
// scenario without the fault (fail=0) through nginx, which names no cause. No assertion on time:
// a share of requests fails whatever the load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenarioFile as run, SKIP_APACHE, SKIP_NGINX } from '../helpers/proxy-scenario.js';

for (const [front, skip] of [['apache', SKIP_APACHE], ['none', false]] as const) {
  test(`the application's 500s ${front === 'none' ? 'without a proxy' : `through ${front}`}: backend-returned-5xx first, with the failing path`, { skip }, async () => {
    const { ids, record } = await run('scenarios/faults/backend-5xx-behind-proxy.yaml', (s) => {
      if (front === 'none') delete s.proxy;
      else s.proxy = { ...s.proxy!, kind: front, apache_style: 'proxypass' };
    });
    assert.equal(ids[0], 'backend-returned-5xx', ids.join(', ') || 'no cause');
    assert.ok(!ids.includes('backend-not-running') && !ids.includes('pool-exhausted'), ids.join(', '));
    const top = record.diagnosis!.causes[0]!;
    assert.ok(top.evidence.some((e) => /the backend itself counted \d+ answers 5xx/.test(e.text)), top.evidence.map((e) => e.text).join(' | '));
    assert.match(top.fix, /\/work\?io_ms=5&fail=0\.2/);
    if (front !== 'none') assert.ok((record.target.proxy!.relayed_5xx ?? 0) > 0, JSON.stringify(record.target.proxy));
  });
}

test('the same scenario with fail=0 through nginx: no cause', { skip: SKIP_NGINX }, async () => {
  const { ids, record } = await run('scenarios/faults/backend-5xx-behind-proxy.yaml', (s) => {
    s.mix = [{ ...s.mix[0]!, path: '/work?io_ms=5' }];
  });
  assert.deepEqual(ids, []);
  assert.equal(record.target.proxy!.relayed_5xx, 0);
});
