// run --compare-direct through a real nginx: alternating direct and proxied rounds before the run,
// proxy_cost in the document with the proxy's CPU from its process group, the sentence in the
// terminal summary, summary.md and report.html.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chalk } from 'chalk';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { executeRun } from '../../src/run/execute-run.js';
import { findNginx } from '../../src/proxy/nginx.js';
import { renderRunText } from '../../src/report/run-text.js';
import { renderRunMarkdown } from '../../src/report/run-markdown.js';
import { renderRunHtml } from '../../src/report/run-html.js';

test('run --compare-direct behind nginx: proxy_cost measured and reported', { skip: findNginx() === undefined && 'nginx not installed' }, async () => {
  const scenario = parseScenario({
    name: 'proxy-cost',
    settings: { thread_pool: 4 },
    proxy: { kind: 'nginx', compare_direct: { rounds: 2, round_s: 0.3 } },
    load: { mode: 'closed', connections: 2, duration_s: 0.5, warmup_s: 0 },
    mix: [{ path: '/work?io_ms=2' }],
  }, 'test');
  const { record } = await executeRun({ scenario });
  const c = record.proxy_cost;
  assert.ok(c, 'proxy_cost recorded');
  assert.equal(c.proxy, 'nginx');
  assert.equal(c.rounds, 2);
  assert.equal(c.direct.rounds, 2);
  assert.ok(c.direct.requests > 0 && c.proxied.requests > 0, JSON.stringify(c));
  assert.equal(c.direct.errors + c.proxied.errors, 0);
  // The handler sleeps 2 ms: both fronts are at least that slow.
  assert.ok(c.direct.p50_ms >= 2 && c.proxied.p50_ms >= 2, JSON.stringify(c));
  // nginx's own CPU, read from its process group, is positive and below a whole round per request.
  assert.ok(c.proxy_cpu_ms_per_request! > 0 && c.proxy_cpu_ms_per_request! < 50, String(c.proxy_cpu_ms_per_request));
  assert.ok(c.capacity_ratio.ci_low <= c.capacity_ratio.estimate && c.capacity_ratio.estimate <= c.capacity_ratio.ci_high);
  assert.match(c.sentence, /^nginx adds .* per request at p50, .* at p99; capacity .* of direct .*closed loop, 2 connections/);
  // The run itself still happened, through the proxy.
  assert.ok(record.summary!.requests > 0);
  const text = renderRunText(record, new Chalk({ level: 0 }), { width: 400, quiet: false });
  assert.ok(text.split('\n').slice(0, 4).some((l) => l.includes(c.sentence)), 'the sentence among the answer lines');
  assert.ok(renderRunMarkdown(record).includes('proxy cost'));
  assert.ok(renderRunMarkdown(record).includes(c.sentence));
  assert.ok(renderRunHtml(record).includes('direct vs proxied'));
});
