// proxy.static_prefix through a real nginx in front of the bundled server: static_offload in the
// document, measured against a second nginx without the location. The mix is 3/4 static by
// request: with the location about a quarter of the client requests reach the backend, without it
// all do, and the backend's workers (whose static requests take 4 ms each) are less busy with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { executeRun } from '../../src/run/execute-run.js';
import { findNginx } from '../../src/proxy/nginx.js';
import { renderRunMarkdown } from '../../src/report/run-markdown.js';

test('static location behind nginx: backend requests and busy share with vs without, measured', { skip: findNginx() === undefined && 'nginx not installed' }, async () => {
  const scenario = parseScenario({
    name: 'static-offload',
    settings: { thread_pool: 4 },
    proxy: { kind: 'nginx', static_prefix: '/static/', compare_direct: undefined },
    load: { mode: 'open', rate_rps: 150, duration_s: 0.3, warmup_s: 0 },
    mix: [{ path: '/static/app.css?bytes=8192&io_ms=4', weight: 3 }, { path: '/work?io_ms=4', weight: 1 }],
  }, 'test');
  scenario.proxy!.compare_direct = { rounds: 2, round_s: 0.4 };
  const { record } = await executeRun({ scenario });
  const o = record.static_offload;
  assert.ok(o, `static_offload recorded; events ${JSON.stringify(record.events)}`);
  assert.equal(o.with_static.rounds, 2);
  assert.equal(o.with_static.errors + o.without_static.errors, 0);
  assert.ok(o.with_static.backend_share_of_requests > 0.1 && o.with_static.backend_share_of_requests < 0.45, JSON.stringify(o.with_static));
  assert.ok(o.without_static.backend_share_of_requests > 0.85, JSON.stringify(o.without_static));
  assert.ok(o.backend_requests_moved > 0.5 && o.backend_requests_moved < 0.9, String(o.backend_requests_moved));
  assert.ok(o.with_static.backend_busy_share < o.without_static.backend_busy_share, JSON.stringify(o));
  assert.match(o.sentence, /^With nginx serving \/static\/ itself, \d+(\.\d+)?% of the requests no longer reach the backend/);
  assert.equal(record.target.proxy!.static_prefix, '/static/');
  assert.ok(renderRunMarkdown(record).includes(o.sentence));
});
