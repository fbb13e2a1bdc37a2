// Every HTML report in headless Chromium, on real documents (reports/examples/: a real run, a
// real gate, a real inspect --watch) and a synthetic sweep (sweep-report.test.ts): the test fails
// when a script errors or a chart does not draw (a canvas without ink, a missing chart.js instance).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GateDocument } from '../../src/gate/gate-document.js';
import type { InspectDocument } from '../../src/inspect/inspect-document.js';
import type { RunRecord } from '../../src/run/run-record.js';
import { renderGateHtml } from '../../src/report/gate-html.js';
import { renderInspectHtml } from '../../src/report/inspect-html.js';
import { renderRunHtml } from '../../src/report/run-html.js';
import { syntheticRun } from '../diagnose/run-fixture.js';
import { runCli } from '../helpers/cli.js';
import { assertEveryChartDrew, checkHtmlInChromium, NO_CHROMIUM } from '../helpers/chromium.js';

function example<T>(path: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../../../reports/examples/${path}`, import.meta.url)), 'utf8')) as T;
}

const CHART_LABELS = `(function () {
  var out = {};
  Object.keys(Chart.instances).forEach(function (k) {
    var c = Chart.instances[k];
    out[c.canvas.id] = {
      datasets: c.data.datasets.map(function (d) { return { label: d.label, points: d.data.length }; }),
      xTicks: c.scales.x ? c.scales.x.ticks.map(function (t) { return t.label; }) : [],
      plugins: (c.config.plugins || []).map(function (p) { return p.id; })
    };
  });
  return out;
})()`;

type Charts = Record<string, { datasets: { label: string; points: number }[]; xTicks: unknown[]; plugins: string[] }>;

test('run HTML: throughput, latency, workers and queues, the process, the percentile spectrum — all drawn', { skip: NO_CHROMIUM }, () => {
  const run = example<RunRecord>('run/run.json');
  const html = renderRunHtml(run);
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|<img[^>]+src=/, 'no external resources');
  const check = checkHtmlInChromium(html, CHART_LABELS);
  assertEveryChartDrew(check, 5, 'run');
  const charts = check.probe as Charts;
  assert.deepEqual(Object.keys(charts).sort(), ['chart-latency', 'chart-process', 'chart-spectrum', 'chart-throughput', 'chart-workers']);
  assert.equal(charts['chart-throughput'].datasets[0].points, run.series.length, 'a point per window');
  const busy = charts['chart-workers'].datasets.find((d) => d.label === 'busy workers');
  assert.equal(busy?.points, run.probes.filter((p) => p.server).length, 'busy workers from every probe with server stats');
  // The spectrum's axis reads in percentiles, to the last one the request count resolves (4,971 requests: 99.9%).
  assert.deepEqual(charts['chart-spectrum'].xTicks, ['min', '50%', '90%', '99%', '99.9%']);
});

test('run HTML of a fresh open-loop run: the offered rate and the service-time spectrum too', { skip: NO_CHROMIUM }, async () => {
  const r = await runCli(['run', '--rate', '150', '-d', '2s', '--warmup', '0.5s', '--path', '/work?io_ms=5', '--json', '--no-report']);
  assert.equal(r.code, 0, r.stderr);
  const run = JSON.parse(r.stdout) as RunRecord;
  assert.ok(run.histograms?.service_us, 'an open-loop run records the service time');
  const check = checkHtmlInChromium(renderRunHtml(run), CHART_LABELS);
  assertEveryChartDrew(check, 5, 'open-loop run');
  const charts = check.probe as Charts;
  assert.ok(charts['chart-throughput'].datasets.some((d) => d.label === 'offered (requests/s)' && d.points === run.series.length));
  assert.deepEqual(charts['chart-spectrum'].datasets.map((d) => d.label), ['latency (from the intended send)', 'service time (from the actual send)']);
});

test('run HTML without windows or a histogram draws what there is and says what is missing', { skip: NO_CHROMIUM }, () => {
  const run = syntheticRun({ saturated: true });
  const html = renderRunHtml(run);
  assert.match(html, /No time windows were recorded/);
  assertEveryChartDrew(checkHtmlInChromium(html), 2, 'run without series: workers and the process');
});

test('gate HTML: a chart per metric with A and B runs, the interval and the budget band — all drawn', { skip: NO_CHROMIUM }, () => {
  const gate = example<GateDocument>('gate/gate.json');
  const check = checkHtmlInChromium(renderGateHtml(gate), CHART_LABELS);
  assertEveryChartDrew(check, gate.metrics.length, 'gate');
  const charts = check.probe as Charts;
  gate.metrics.forEach((m, i) => {
    const c = charts[`chart-metric-${i}`];
    assert.ok(c, `a chart for ${m.label}`);
    assert.equal(c.datasets.find((d) => d.label === 'A runs')?.points, m.a_values.length, `${m.label}: every A run`);
    assert.equal(c.datasets.find((d) => d.label === 'B runs')?.points, m.b_values.length, `${m.label}: every B run`);
    assert.ok(c.datasets.some((d) => d.label === 'B by the change interval'), `${m.label}: the interval`);
    assert.ok(c.plugins.includes('band-within budget'), `${m.label}: the budget band`);
  });
});

test('inspect HTML: threads by activity, fds, sockets and the --watch timeline — all drawn', { skip: NO_CHROMIUM }, () => {
  const doc = example<InspectDocument>('inspect/inspect.json');
  assert.ok(doc.timeline && doc.timeline.length === doc.window.samples, 'the example carries its timeline');
  const check = checkHtmlInChromium(renderInspectHtml(doc), CHART_LABELS);
  assertEveryChartDrew(check, 7, 'inspect');
  const charts = check.probe as Charts;
  const stack = charts['chart-timeline-activity'].datasets;
  assert.ok(stack.some((d) => d.label === 'futex'), `activity keys stacked: ${stack.map((d) => d.label).join(', ')}`);
  assert.ok(stack.every((d) => d.points === doc.timeline!.length), 'a point per sample');
});

test('inspect HTML without a timeline (a document from before it existed) still draws what it has', { skip: NO_CHROMIUM }, () => {
  const doc = example<InspectDocument>('inspect/inspect.json');
  delete doc.timeline;
  const html = renderInspectHtml(doc);
  assert.match(html, /no per-sample timeline/);
  assertEveryChartDrew(checkHtmlInChromium(html), 3, 'inspect without timeline');
});

test('the check fails when a chart does not draw or chart.js is missing', { skip: NO_CHROMIUM }, () => {
  const html = renderRunHtml(example<RunRecord>('run/run.json'));
  // Charts asked for but never made: canvases stay blank, no chart.js instance.
  const undrawn = html.replace('return new Chart(el.getContext', 'return null && new Chart(el.getContext');
  assert.notEqual(undrawn, html, 'the sabotage applied');
  const c1 = checkHtmlInChromium(undrawn);
  assert.equal(c1.drawn, 0);
  assert.equal(c1.blank.length, 5);
  assert.throws(() => assertEveryChartDrew(c1, 5, 'run'), /0 of 5 charts have ink/);
  // The bundle missing: the page's scripts fail, and the error box says so.
  const start = html.indexOf('<script>', html.indexOf('id="cpdiag-data"'));
  const end = html.indexOf('</script>', start);
  const c2 = checkHtmlInChromium(html.slice(0, start) + html.slice(end + '</script>'.length));
  assert.match(c2.errors, /Chart is not defined/);
  assert.throws(() => assertEveryChartDrew(c2, 5, 'run'), /script errors/);
});
