// The output stage: each schema's files from its table line, the progressive JSON an executor
// grows, the report folder made only at its first file, and named files written only when named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { CpdiagError, EXIT } from '../../src/exit-codes.js';
import { RUN_SCHEMA, type RunRecord } from '../../src/run/run-record.js';
import { SWEEP_SCHEMA } from '../../src/sweep/sweep-document.js';
import { BASELINE_SCHEMA, type BaselineDocument } from '../../src/gate/gate-document.js';
import { OUTPUT_FORMATS, TERMINAL_VIEWS } from '../../src/report/output-formats.js';
import { openOutput, renderDocument, renderTerminal, writeOutputs } from '../../src/report/output-stage.js';
import { ReportFolder } from '../../src/report/report-folder.js';
import { renderRunMarkdown } from '../../src/report/run-markdown.js';
import { renderRunText } from '../../src/report/run-text.js';
import { renderSweepHtml } from '../../src/report/sweep-html.js';
import { renderRunHtml } from '../../src/report/run-html.js';
import { renderSweepMarkdown } from '../../src/report/sweep-markdown.js';
import { syntheticRun } from '../diagnose/run-fixture.js';
import { syntheticSweep } from '../sweep/synthetic-doc.js';

const plain = new Chalk({ level: 0 });

function withTmp(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-output-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the table: every schema has a terminal view, file names are unique per schema, one progressive JSON at most', () => {
  const schemas = new Set(Object.keys(TERMINAL_VIEWS));
  for (const schema of ['cpdiag.run/1', 'cpdiag.sweep/1', 'cpdiag.gate/1', 'cpdiag.baseline/1', 'cpdiag.inspect/1', 'cpdiag.diagnosis/1']) assert.ok(schemas.has(schema), schema);
  for (const schema of schemas) {
    const formats = OUTPUT_FORMATS.filter((f) => f.schema === schema);
    const names = formats.map((f) => JSON.stringify(f.to));
    assert.equal(new Set(names).size, names.length, `${schema}: ${names.join(', ')}`);
    assert.ok(formats.filter((f) => f.progressive).length <= 1, schema);
    for (const f of formats) if (f.progressive) assert.ok('file' in f.to && f.to.file.endsWith('.json'), `${schema}: the progressive output is the document's JSON file`);
  }
  for (const f of OUTPUT_FORMATS) assert.ok(schemas.has(f.schema), `${f.schema} has a terminal view`);
});

test('renderDocument: a run is run.json (the document, as saved), summary.md, report.html; a sweep is sweep.json, report.md, report.html', () => {
  const run = syntheticRun({ saturated: true });
  const outputs = renderDocument(run);
  assert.deepEqual(outputs.map((o) => o.to), [{ file: 'run.json' }, { file: 'summary.md' }, { file: 'report.html' }]);
  assert.deepEqual(JSON.parse(outputs[0].text), JSON.parse(JSON.stringify(run)));
  assert.ok(!outputs[0].text.endsWith('\n'), 'run.json has no trailing newline, as before');
  assert.equal(outputs[1].text, renderRunMarkdown(run));
  assert.equal(outputs[2].text, renderRunHtml(run));
  // `cpdiag report` renders the reports without the document it read.
  assert.deepEqual(renderDocument(run, {}, { withSource: false }).map((o) => o.to), [{ file: 'summary.md' }, { file: 'report.html' }]);

  const sweep = syntheticSweep([1, 2, 4, 8], { serviceMs: 21, limitRps: 300 });
  const files = renderDocument(sweep);
  assert.deepEqual(files.map((o) => o.to), [{ file: 'sweep.json' }, { file: 'report.md' }, { file: 'report.html' }]);
  assert.equal(files[1].text, renderSweepMarkdown(sweep));
  assert.equal(files[2].text, renderSweepHtml(sweep));
});

test('renderDocument: a named file only when named; an unknown schema is refused (exit 2)', () => {
  const baseline = { schema: BASELINE_SCHEMA } as BaselineDocument;
  assert.deepEqual(renderDocument(baseline), []);
  const named = renderDocument(baseline, { output: '/somewhere/baseline.json' });
  assert.deepEqual(named.map((o) => o.to), [{ path: '/somewhere/baseline.json' }]);
  assert.equal(named[0].text, `${JSON.stringify(baseline, null, 1)}\n`);
  assert.throws(
    () => renderDocument({ schema: 'cpdiag.nothing/9' } as unknown as RunRecord),
    (e: unknown) => e instanceof CpdiagError && e.exitCode === EXIT.USAGE && /no report for schema "cpdiag\.nothing\/9"/.test(e.message),
  );
});

test('a run: the folder appears at the first progressive save, run.json grows (throttled unless forced), finish writes every file and leaves no temporary file', () => {
  withTmp((root) => {
    const output = openOutput(RUN_SCHEMA, { folder: ReportFolder.timestamped(root, 'my run/1') });
    assert.deepEqual(readdirSync(root), [], 'no folder before the first file');
    const run = syntheticRun();
    const partial: RunRecord = { ...run, complete: false, series: [] };
    output.progress!.update(partial, true);
    const [folder] = readdirSync(root);
    assert.match(folder, /^\d{4}-\d\d-\d\dT\d{6}Z-my-run-1$/);
    const dir = join(root, folder);
    const saved = () => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(saved().complete, false);
    // Within a second of the last write, an unforced save is skipped; a forced one is not.
    output.progress!.update({ ...partial, scenario: 'skipped' });
    assert.equal(saved().scenario, run.scenario);
    output.progress!.update({ ...partial, scenario: 'forced' }, true);
    assert.equal(saved().scenario, 'forced');
    assert.ok(!existsSync(join(dir, 'summary.md')), 'the summary is written at the end only');
    assert.ok(!existsSync(join(dir, 'report.html')), 'the HTML is written at the end only');

    const files = output.finish(run);
    assert.equal(files.dir, dir);
    assert.deepEqual(files.written, [`${dir}/`]);
    assert.deepEqual(readdirSync(dir).sort(), ['report.html', 'run.json', 'summary.md']);
    assert.equal(readFileSync(join(dir, 'run.json'), 'utf8'), JSON.stringify(run, null, 1));
    assert.equal(readFileSync(join(dir, 'summary.md'), 'utf8'), renderRunMarkdown(run));
  });
});

test('--no-report: no sink for the executor and nothing written', () => {
  const output = openOutput(SWEEP_SCHEMA, {});
  assert.equal(output.progress, undefined);
  assert.deepEqual(output.finish(syntheticSweep([1, 2, 4, 8], { serviceMs: 21, limitRps: 300 })), { dir: undefined, written: [] });
});

test('a report folder that cannot be made, or a file that cannot be written: one line, exit 2', () => {
  withTmp((root) => {
    const notADir = join(root, 'file');
    writeFileSync(notADir, 'x');
    const output = openOutput(RUN_SCHEMA, { folder: ReportFolder.timestamped(notADir, 'run') });
    assert.throws(
      () => output.finish(syntheticRun()),
      (e: unknown) => e instanceof CpdiagError && e.exitCode === EXIT.USAGE && /^cannot create the report folder .*file\/.*-run: E[A-Z]+$/.test(e.message),
    );
    assert.throws(
      () => writeOutputs([{ what: 'the baseline', text: '{}', to: { path: join(notADir, 'b.json') } }], undefined),
      (e: unknown) => e instanceof CpdiagError && e.exitCode === EXIT.USAGE && /^cannot write the baseline .*file\/b\.json: E[A-Z]+$/.test(e.message),
    );
  });
});

test('renderTerminal: the text view, or the JSON with a newline for --json', () => {
  const run = syntheticRun();
  assert.equal(renderTerminal(run, { json: false, chalk: plain }), `${renderRunText(run, plain)}\n`);
  assert.equal(renderTerminal(run, { json: true, chalk: plain }), `${JSON.stringify(run, null, 1)}\n`);
});
