// A sweep level whose p99 fell among timed-out requests reads "> value" in every sweep report:
// the terminal table and ramp lines, the Markdown per-level table, the HTML capacity grid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chalk } from 'chalk';
import { renderSweepText } from '../../src/report/sweep-text.js';
import { renderSweepMarkdown } from '../../src/report/sweep-markdown.js';
import { renderSweepHtml } from '../../src/report/sweep-html.js';
import { syntheticSweep } from '../sweep/synthetic-doc.js';

test('censored p99 in the sweep reports: "> 2,000 ms"', () => {
  const doc = syntheticSweep([4, 8, 16], { serviceMs: 20, limitRps: 600 });
  const step = doc.steps[1]!;
  const censored = { count: 30, share: 0.03, at_least_ms: 2000, lower_bounds: ['p99', 'p999', 'max', 'mean'] };
  step.latency_ms = { ...step.latency_ms, p99: 2000, p999: 2000, max: 2000, censored };
  const level = step.levels[step.levels.length - 1]!;
  level.latency_ms = { ...level.latency_ms, p99: 2000, p999: 2000, max: 2000, censored };
  const text = renderSweepText(doc, new Chalk({ level: 0 }));
  assert.match(text, /> 2,000 ms/);
  const md = renderSweepMarkdown(doc);
  assert.match(md, /\| > 2,000 ms \| > 2,000 ms \|/, 'p99 and max of the level');
  const html = renderSweepHtml(doc);
  assert.match(html, /&gt; 2,000 ms/, "the steps table, escaped");
});
