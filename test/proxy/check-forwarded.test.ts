// What the bundled server sees of the client through each real proxy (run --proxy-check): nginx
// keeps the client's Host and adds X-Forwarded-For; Apache sends its backend address as Host and
// the client's in X-Forwarded-Host. Either way the peer is the proxy, so an app without
// tools.proxy logs the proxy's address, and the proxy-headers-not-used cause is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeRun } from '../../src/run/execute-run.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { findApache } from '../../src/proxy/apache.js';
import { findNginx } from '../../src/proxy/nginx.js';

for (const [kind, skip] of [
  ['nginx', findNginx() === undefined && 'nginx not installed'],
  ['apache', findApache() === undefined && 'apache2 not installed'],
] as const) {
  test(`through ${kind}: the backend sees the proxy as peer, the client in X-Forwarded-For; the cause names tools.proxy`, { skip }, async () => {
    const scenario = parseScenario({ name: `forwarded-${kind}`, proxy: { kind, check_forwarded: true }, load: { mode: 'closed', connections: 1, duration_s: 0.5, warmup_s: 0 }, mix: [{ path: '/healthz' }] }, 'test');
    const { record } = await executeRun({ scenario });
    const w = record.target.proxy!.forwarded!;
    assert.ok(w, 'no forwarded check recorded');
    assert.equal(w.peer_address, '127.0.0.1');
    assert.equal(w.x_forwarded_for, '127.0.0.2');
    assert.equal(w.app_logs_proxy_address, true);
    assert.equal(w.recoverable_with_tools_proxy, true);
    if (kind === 'nginx') {
      assert.equal(w.host_seen, 'app.example:8443');
      assert.equal(w.urls_use_proxy_host, false);
    } else {
      assert.match(w.host_seen ?? '', /^127\.0\.0\.1:\d+$/);
      assert.equal(w.x_forwarded_host, 'app.example:8443');
      assert.equal(w.urls_use_proxy_host, true);
    }
    const cause = record.diagnosis!.causes.find((c) => c.id === 'proxy-headers-not-used');
    assert.ok(cause, record.diagnosis!.causes.map((c) => c.id).join(', '));
    assert.match(cause.fix, /tools\.proxy\.on = True/);
  });
}
