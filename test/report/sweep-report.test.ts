import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { syntheticStep, syntheticSweep } from '../sweep/synthetic-doc.js';
import { renderSweepHtml } from '../../src/report/sweep-html.js';
import { renderSweepMarkdown } from '../../src/report/sweep-markdown.js';
import { renderSweepText } from '../../src/report/sweep-text.js';
import { renderCapacityChart } from '../../src/report/sweep-chart-text.js';

const CHROMIUM = '/usr/bin/chromium';
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

test('HTML report: self-contained, renders in headless Chromium with every chart drawn and no script error', { skip: !existsSync(CHROMIUM) && 'chromium not installed' }, () => {
  const doc = syntheticSweep([1, 2, 4, 8, 16, 32, 64], { serviceMs: 21, limitRps: 700 });
  const html = renderSweepHtml(doc);
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|<img[^>]+src=/, 'no external resources');
  assert.match(html, /Chart\.js v4/, 'chart.js inlined');
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-sweep-html-'));
  try {
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const result = spawnSync(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${join(dir, 'profile')}`, '--dump-dom', `file://${file}`],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(result.status, 0, result.stderr.slice(-500));
    const dom = result.stdout;
    const errors = /<pre id="cpdiag-errors">([^<]*)<\/pre>/.exec(dom);
    assert.ok(errors, 'the error box is in the DOM');
    assert.equal(errors[1], '', `script errors: ${errors[1]}`);
    const status = /id="cpdiag-status" data-drawn="(\d+)" data-total="(\d+)"/.exec(dom);
    assert.ok(status, `status marker missing: ${/id="cpdiag-status"[^<]*/.exec(dom)?.[0]}`);
    assert.equal(Number(status[2]), 6, 'capacity, latency, saturation, RSS, fds, threads');
    assert.equal(status[1], status[2], 'every chart has ink on its canvas');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
