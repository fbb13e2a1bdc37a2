import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chalk } from 'chalk';
import { syntheticStep, syntheticSweep } from '../sweep/synthetic-doc.js';
import { renderSweepHtml } from '../../src/report/sweep-html.js';
import { renderSweepMarkdown } from '../../src/report/sweep-markdown.js';
import { renderSweepText } from '../../src/report/sweep-text.js';
import { renderCapacityChart } from '../../src/report/sweep-chart-text.js';
import { assertEveryChartDrew, checkHtmlInChromium, NO_CHROMIUM } from '../helpers/chromium.js';

const plain = new Chalk({ level: 0 });

test('terminal report: the recommendation first, then a row per value and the chart', () => {
  const doc = syntheticSweep([1, 2, 4, 8, 16, 32, 64], { serviceMs: 21, limitRps: 700 });
  const text = renderSweepText(doc, plain);
  const lines = text.split('\n');
  for (const v of [1, 2, 4, 8, 16, 32, 64]) assert.ok(lines.some((l) => l.startsWith(`${v} `) || l.startsWith(`${v}  `)), `row for ${v}`);
  assert.match(text, /USL fit: σ = /);
  assert.match(text, /16 │█+.*665 {2}knee ◄ recommended/);
  const rec = lines.findIndex((l) => l === 'Recommendation');
  assert.ok(rec >= 0 && rec < lines.findIndex((l) => l.startsWith('thread_pool ')), 'the recommendation before the table');
  assert.ok(rec < lines.findIndex((l) => l === 'Diagnosis'), 'and before the diagnosis');
  assert.match(lines[rec + 1], /server\.thread_pool = 16/);
  const md = renderSweepMarkdown(doc);
  assert.match(md, /^# cpdiag sweep: thread_pool/);
  assert.match(md, /```ini\n\[global\]\nserver\.thread_pool = 16\n```/);
  assert.match(md, /\| thread_pool \| capacity rps \|/);
});

test('grid: a text heatmap', () => {
  const doc = syntheticSweep([4, 8], { serviceMs: 21, limitRps: 700 });
  doc.setting2 = 'accepted_queue_size';
  doc.steps = [4, 8].flatMap((v) => [-1, 10].map((v2) => syntheticStep(v, { serviceMs: 21, limitRps: 700, value2: v2 })));
  doc.recommendation = { setting: 'thread_pool', value: 8, setting2: 'accepted_queue_size', value2: -1, reason: 'x', cannot_tell: [] };
  const chart = renderCapacityChart(doc);
  assert.match(chart, /rows thread_pool, columns accepted_queue_size/);
  assert.match(chart, /\*362/);
  assert.match(renderSweepHtml(doc), /Heatmap: capacity/);
});

test('HTML report: self-contained, renders in headless Chromium with every chart drawn and no script error', { skip: NO_CHROMIUM }, () => {
  const doc = syntheticSweep([1, 2, 4, 8, 16, 32, 64], { serviceMs: 21, limitRps: 700 });
  const html = renderSweepHtml(doc);
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|<img[^>]+src=/, 'no external resources');
  assert.match(html, /Chart\.js v4/, 'chart.js inlined');
  const check = checkHtmlInChromium(html, `(function () {
    var cap = Chart.getChart('chart-capacity'), lat = Chart.getChart('chart-latency');
    var box = document.getElementById('cpdiag-errors');
    return {
      ticks: cap.scales.x.ticks.map(function (t) { return t.value; }),
      markers: cap.config.plugins.map(function (p) { return p.id; }),
      legend: lat.legend.legendItems.map(function (i) { return i.text; }),
      errorBoxDisplay: getComputedStyle(box).display,
      visibleText: document.body.innerText
    };
  })()`);
  assertEveryChartDrew(check, 6, 'sweep: capacity, latency, saturation, RSS, fds, threads');
  const probe = check.probe as { ticks: number[]; markers: string[]; legend: string[]; errorBoxDisplay: string; visibleText: string };
  // The capacity axis is ticked at the values tested, not the log scale's own 1-2-5 steps.
  assert.deepEqual(probe.ticks, [1, 2, 4, 8, 16, 32, 64]);
  assert.ok(probe.markers.some((id) => /^vline-knee/.test(id)), `a knee marker on the capacity chart: ${probe.markers.join(', ')}`);
  // 7 values: 5 in colour (smallest, largest, knee = recommended, one between) + "other values" + nothing for p50.
  assert.ok(probe.legend.length <= 6, `latency legend of at most 6 entries, got ${probe.legend.length}: ${probe.legend.join(' | ')}`);
  assert.ok(probe.legend.some((t) => /thread_pool=16 \(recommended\) p99/.test(t)), 'the recommended value is in the legend');
  assert.ok(probe.legend.includes('other values (p99)'), 'the rest summed up as one entry');
  assert.equal(probe.errorBoxDisplay, 'none', 'an empty error box takes no space');
  assert.doesNotMatch(probe.visibleText, /charts-drawn|charts not drawn/, 'the test hook is out of the reader\'s view');
  assert.match(probe.visibleText, /Its cost: thread_pool 8 → 16: \+83\.\d% capacity \(362 → 665 requests\/s\) for \+64\.0 MiB RSS/);
});

test('HTML report of a grid: the heatmap, and every chart drawn (no capacity-by-value chart for two settings)', { skip: NO_CHROMIUM }, () => {
  const doc = syntheticSweep([4, 8], { serviceMs: 21, limitRps: 700 });
  doc.setting2 = 'accepted_queue_size';
  doc.steps = [4, 8].flatMap((v) => [-1, 10].map((v2) => syntheticStep(v, { serviceMs: 21, limitRps: 700, value2: v2 })));
  doc.recommendation = { setting: 'thread_pool', value: 8, setting2: 'accepted_queue_size', value2: -1, reason: 'x', cannot_tell: [] };
  const html = renderSweepHtml(doc);
  assert.doesNotMatch(html, /Its cost:/, 'no one-setting cost line for a grid');
  const check = checkHtmlInChromium(html, `Chart.getChart('chart-latency').legend.legendItems.map(function (i) { return i.text; })`);
  assertEveryChartDrew(check, 5, 'grid: latency, saturation, RSS, fds, threads');
  assert.ok((check.probe as string[]).includes('thread_pool=8 accepted_queue_size=-1 (recommended) p99'), String(check.probe));
});
