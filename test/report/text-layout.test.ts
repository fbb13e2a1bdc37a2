// Terminal output fitted to the width, the answer first: the layout helpers, and every text view
// rendered from real documents at 80 and 100 columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Chalk } from 'chalk';
import { collapseList, displayWidth, fitTable, truncateText, wrapText } from '../../src/report/text-layout.js';
import { renderTerminal } from '../../src/report/output-stage.js';
import type { SweepDocument } from '../../src/sweep/sweep-document.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { proxyReadTimeoutFindings } from '../diagnose/fixtures.js';
import { syntheticSweep } from '../sweep/synthetic-doc.js';

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 1 });
// The example sweep as shipped before issue 11 (reports/examples/sweep-thread-pool has been
// regenerated since; this copy keeps the document these tests were written against, its probes
// thinned to 9 per step — nothing here reads more of them).
const EXAMPLE = fileURLToPath(new URL('../../../test/fixtures/sweep-example-issue-10.json', import.meta.url));

function longest(text: string): number {
  return Math.max(...text.split('\n').map(displayWidth));
}

test('wrapText: a hanging indent, colour codes not counted, long words broken', () => {
  const lines = wrapText('alpha beta gamma delta epsilon zeta eta theta', 20, '  - ', '    ');
  assert.ok(lines.every((l) => l.length <= 20), lines.join('|'));
  assert.match(lines[0], /^ {2}- alpha/);
  assert.ok(lines.slice(1).every((l) => l.startsWith('    ') && !l.startsWith('     ')));
  const coloured = wrapText(colour.red('alpha beta gamma delta epsilon'), 16);
  assert.ok(coloured.every((l) => displayWidth(l) <= 16));
  assert.ok(wrapText('x'.repeat(50), 20).every((l) => l.length <= 20));
});

test('fitTable: drops the lowest-priority columns first and says which; cuts only as a last resort', () => {
  const columns = [{ header: 'value' }, { header: 'capacity', priority: 9 }, { header: 'ctx/req', priority: 1 }, { header: 'threads', priority: 2 }];
  const rows = [['1', '50', '3.86', '12'], ['64', '810', '2.07', '75']];
  const wide = fitTable(columns, rows, 100);
  assert.deepEqual(wide.hidden, []);
  assert.match(wide.lines[0], /value {2}capacity {2}ctx\/req {2}threads/);
  const narrow = fitTable(columns, rows, 22);
  assert.deepEqual(narrow.hidden, ['ctx/req', 'threads']);
  assert.ok(narrow.lines.every((l) => l.length <= 22), narrow.lines.join('\n'));
  assert.deepEqual(fitTable(columns, rows, 26).hidden, ['ctx/req'], 'no more columns go than needed');
  const tiny = fitTable([{ header: 'name' }, { header: 'what' }], [['a-very-long-first-cell', 'another very long cell']], 20);
  assert.ok(tiny.lines.every((l) => displayWidth(l) <= 20), tiny.lines.join('\n'));
  assert.match(tiny.lines[2], /…/);
});

test('collapseList and truncateText', () => {
  assert.deepEqual(collapseList(['1', '2', '3'], 5), ['1', '2', '3']);
  assert.deepEqual(collapseList(['1', '2', '3', '4', '5', '6', '7'], 5), ['1', '2', '…3 more…', '6', '7']);
  assert.deepEqual(collapseList(['1', '2', '3', '4', '5', '6'], 4, '…'), ['1', '2', '…', '6']);
  assert.equal(truncateText('abcdef', 4), 'abc…');
  assert.equal(displayWidth(truncateText(colour.green('abcdefgh'), 5)), 5);
});

test('a recorded sweep (the example before issue 11) at 80 and 100 columns: no line wider than the terminal, the recommendation first', () => {
  const doc = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as SweepDocument;
  for (const width of [80, 100]) {
    const text = renderTerminal(doc, { json: false, chalk: colour, width });
    assert.ok(longest(text) <= width, `${width}: longest line ${longest(text)}`);
    const lines = renderTerminal(doc, { json: false, chalk: plain, width }).split('\n');
    const rec = lines.indexOf('Recommendation');
    assert.ok(rec > 0 && rec < 5, `Recommendation at line ${rec}`);
    assert.match(lines[rec + 1], /server\.thread_pool = 16/);
    assert.ok(lines.findIndex((l) => /^\s*diagnosis: no probable cause found/.test(l)) < lines.findIndex((l) => l.startsWith('thread_pool ')), 'the diagnosis in a line before the table');
    // The table keeps the setting, capacity and p99 and says which columns went.
    const header = lines.find((l) => l.startsWith('thread_pool '))!;
    assert.match(header, /capacity rps +p99 @cap/);
    if (width === 80) assert.match(lines.join('\n'), /left out to\s+fit the terminal/);
  }
  // Without a width, the renderers lay out for a 100-column log.
  assert.ok(longest(renderTerminal(doc, { json: false, chalk: plain })) <= 100);
});

test('-q: only the answer', () => {
  const doc = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as SweepDocument;
  const text = renderTerminal(doc, { json: false, chalk: plain, width: 100, quiet: true });
  assert.match(text, /^cpdiag sweep thread_pool\nRecommendation\n {2}server\.thread_pool = 16/);
  assert.doesNotMatch(text, /Ramps|capacity rps|Insufficient data/);
  assert.ok(text.split('\n').length <= 6, text);
});

test('a synthetic sweep with a probable cause: the top cause follows the recommendation', () => {
  const doc = syntheticSweep([1, 2, 4, 8, 16, 32, 64], { serviceMs: 21, limitRps: 700 });
  doc.diagnosis = diagnose(proxyReadTimeoutFindings());
  const lines = renderTerminal(doc, { json: false, chalk: plain, width: 80 }).split('\n');
  const top = lines.findIndex((l) => /top cause: proxy_read_timeout is shorter than the handler/.test(l));
  assert.ok(top > lines.indexOf('Recommendation') && top < lines.findIndex((l) => l.startsWith('thread_pool ')), lines.slice(0, 12).join('\n'));
  assert.ok(lines.slice(top + 1, top + 3).some((l) => /^\s+fix: Raise proxy_read_timeout/.test(l)), 'its fix right under it');
  assert.ok(longest(lines.join('\n')) <= 80);
});
