import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { captureEnvironment } from '../../src/environment.js';
import { compareSides, decideOutcome } from '../../src/gate/compare-sides.js';
import { GATE_SCHEMA, type GateDocument } from '../../src/gate/gate-document.js';
import { parseMetricSpec } from '../../src/gate/metric-spec.js';
import { openOutput } from '../../src/report/output-stage.js';
import { ReportFolder } from '../../src/report/report-folder.js';
import { escapeXml, renderGateJunit } from '../../src/report/gate-junit.js';
import { renderGateMarkdown } from '../../src/report/gate-markdown.js';
import { renderGateText } from '../../src/report/gate-text.js';
import { samples } from './fixtures.js';

function gateDoc(bCenter: number, failOnInconclusive = false): GateDocument {
  const specs = ['p50 +10%', 'throughput -10%', 'error_rate +0.5pp', 'p99 +20%'].map((s) => parseMetricSpec(s));
  specs.push(parseMetricSpec('p95 +10%', 'api <p95> & "tail"'));
  const A = samples('A', 100, 6);
  const B = samples('B', bCenter, 6);
  const metrics = compareSides(specs, A, B, 0.01);
  metrics[3] = { ...metrics[3], verdict: 'inconclusive', reason: 'p99: cannot tell <wide> & "noisy"' };
  const v = decideOutcome(metrics, B, failOnInconclusive);
  return {
    schema: 'cpdiag.gate/1', cpdiag_version: '0.1.0', started_at: '2026-01-01T00:00:00.000Z', finished_at: '2026-01-01T00:01:00.000Z',
    environment: captureEnvironment(), mode: 'ab', scenario: 'gate-default', fingerprint: 'sha256:x',
    a: { label: 'A', description: 'old & <build>' }, b: { label: 'B', description: 'new' },
    runs_per_side: 6, warmup_runs: 1, order: 'ABBAABBAABBA', alpha: 0.01, metrics, outcome: v.outcome, exit_code: v.exitCode, summary: v.summary,
    warnings: ['a warning'], runs: [...A, ...B], duration_s: 60, complete: true,
  };
}

/** A small well-formedness check: balanced tags, quoted attributes, no raw & or < in text. */
function assertWellFormedXml(xml: string): { tag: string; attrs: Record<string, string> }[] {
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
  const body = xml.slice(xml.indexOf('?>') + 2);
  const stack: string[] = [];
  const elements: { tag: string; attrs: Record<string, string> }[] = [];
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = token.exec(body)) !== null) {
    consumed = token.lastIndex;
    if (m[5] !== undefined) {
      assert.ok(!/&(?!(amp|lt|gt|quot|apos);)/.test(m[5]), `raw & in text: ${m[5]}`);
      continue;
    }
    const [, close, tag, attrText, selfClose] = m;
    if (close) {
      assert.equal(stack.pop(), tag, `closing </${tag}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(/([\w:-]+)="([^"]*)"/g)) {
      assert.ok(!/&(?!(amp|lt|gt|quot|apos);)/.test(a[2]), `raw & in attribute ${a[1]}`);
      attrs[a[1]] = a[2];
    }
    elements.push({ tag, attrs });
    if (!selfClose) stack.push(tag);
  }
  assert.equal(consumed, body.length, `unparsed XML from: ${body.slice(consumed, consumed + 80)}`);
  assert.deepEqual(stack, [], 'every element closed');
  return elements;
}

test('JUnit: well-formed, one test case per budget, regression is a failure, inconclusive skipped', () => {
  const doc = gateDoc(120);
  const xml = renderGateJunit(doc);
  const elements = assertWellFormedXml(xml);
  const cases = elements.filter((e) => e.tag === 'testcase');
  assert.deepEqual(cases.map((c) => c.attrs.name), ['p50', 'throughput', 'error_rate', 'p99', 'api &lt;p95&gt; &amp; &quot;tail&quot;']);
  const suite = elements.find((e) => e.tag === 'testsuite')!;
  assert.equal(suite.attrs.tests, '5');
  assert.equal(suite.attrs.failures, String(elements.filter((e) => e.tag === 'failure').length));
  assert.ok(Number(suite.attrs.failures) >= 2);
  assert.equal(elements.filter((e) => e.tag === 'skipped').length, Number(suite.attrs.skipped));
  assert.ok(Number(suite.attrs.skipped) >= 1);
  assert.match(xml, /<system-err>warning: a warning<\/system-err>/);
});

test('JUnit: with --fail-on-inconclusive, inconclusive is a failure; a passing gate has none', () => {
  const strict = assertWellFormedXml(renderGateJunit(gateDoc(100, true)));
  assert.equal(strict.filter((e) => e.tag === 'skipped').length, 0);
  assert.ok(strict.some((e) => e.tag === 'failure' && e.attrs.type === 'inconclusive'));
  const passing = gateDoc(100);
  passing.metrics = passing.metrics.filter((m) => m.verdict === 'no_change');
  assert.equal(assertWellFormedXml(renderGateJunit(passing)).filter((e) => e.tag === 'failure').length, 0);
  assert.equal(escapeXml('a\u0001<&>"\''), 'a&lt;&amp;&gt;&quot;&apos;');
});

test('Markdown and text: the outcome first, a row per budget, reasons for what is not "no change"', () => {
  const doc = gateDoc(120);
  const md = renderGateMarkdown(doc);
  assert.match(md.split('\n')[0], /^### ❌ cpdiag gate: gate-default — REGRESSION: p50, throughput/);
  assert.match(md, /\| p50 \| \+10% \|/);
  assert.match(md, /- \*\*p99\*\* \(inconclusive\)/);
  assert.match(md, /- a warning/);
  const text = renderGateText(doc, new Chalk({ level: 0 }));
  assert.match(text, /REGRESSION: p50, throughput/);
  assert.match(text, /A = old & <build>, B = new/);
  assert.match(text, /p50 .*\+10% .*REGRESSION/);
  // The verdict and its reasons come before the table; at 80 columns nothing overflows and the
  // columns left out are named.
  const lines = renderGateText(doc, new Chalk({ level: 0 }), { width: 80 }).split('\n');
  assert.ok(lines.every((l) => l.length <= 80), lines.filter((l) => l.length > 80).join('\n'));
  assert.match(lines[0], /REGRESSION: p50, throughput/);
  assert.ok(lines.findIndex((l) => /^ {2}✗ /.test(l)) < lines.findIndex((l) => /^ {2}metric /.test(l)), 'reasons before the table');
  assert.ok(lines.some((l) => /left out to fit the terminal/.test(l)));
  assert.match(lines.find((l) => /^ {2}p50 /.test(l))!, /REGRESSION/, 'the verdict column stays');
  const quiet = renderGateText(doc, new Chalk({ level: 0 }), { width: 80, quiet: true });
  assert.doesNotMatch(quiet, /metric +budget|A = old/);
  assert.match(quiet, /REGRESSION: p50, throughput/);
});

test('outputs: report folder, JUnit file, and GITHUB_STEP_SUMMARY appended (not replaced)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-gate-out-'));
  try {
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '## earlier step\n');
    const doc = gateDoc(120);
    const { written } = openOutput(GATE_SCHEMA, { folder: ReportFolder.at(join(dir, 'r')), paths: { junit: join(dir, 'sub', 'gate.xml'), 'step-summary': summary } }).finish(doc);
    assert.deepEqual(written, [`${join(dir, 'r')}/`, join(dir, 'sub', 'gate.xml'), summary]);
    const text = readFileSync(summary, 'utf8');
    assert.ok(text.startsWith('## earlier step\n### ❌ cpdiag gate'));
    openOutput(GATE_SCHEMA, { paths: { 'step-summary': summary } }).finish(doc);
    assert.equal(readFileSync(summary, 'utf8').split('### ❌ cpdiag gate').length, 3, 'appended twice');
    assert.equal(JSON.parse(readFileSync(join(dir, 'r', 'gate.json'), 'utf8')).schema, 'cpdiag.gate/1');
    assert.ok(existsSync(join(dir, 'r', 'summary.md')));
    assertWellFormedXml(readFileSync(join(dir, 'sub', 'gate.xml'), 'utf8'));
    assert.throws(() => openOutput(GATE_SCHEMA, { paths: { 'step-summary': join(dir, 'no', 'such', 'dir', 'x.md') } }).finish(doc), /cannot append to GITHUB_STEP_SUMMARY/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
