// `cpdiag report FILE` end to end, as a user runs it: the built CLI on real saved documents
// (reports/examples/), into temporary folders; every refusal is one line and exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../../src/exit-codes.js';
import { MAX_DOCUMENT_BYTES } from '../../src/document/read-document-file.js';
import { CLI, runCli } from '../helpers/cli.js';

const EXAMPLES = fileURLToPath(new URL('../../../reports/examples/', import.meta.url));

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-report-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function oneLineRefusal(r: { code: number | null; stderr: string; stdout: string }, pattern: RegExp): void {
  assert.equal(r.code, EXIT.USAGE, r.stderr);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  assert.equal(r.stdout, '');
}

test('report run.json -o DIR: the HTML and the summary, not the document again', async (t) => {
  const out = tempDir(t);
  const r = await runCli(['report', join(EXAMPLES, 'run/run.json'), '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['report.html', 'summary.md']);
  assert.deepEqual(r.stdout.trim().split('\n').sort(), [join(out, 'report.html'), join(out, 'summary.md')]);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /<title>cpdiag run: default<\/title>/);
  assert.match(html, /id="chart-spectrum"/);
  assert.match(readFileSync(join(out, 'summary.md'), 'utf8'), /^# cpdiag run: default/);
});

test('report gate.json and inspect.json: by default into the document\'s own folder, the document left as it was', async (t) => {
  const dir = tempDir(t);
  for (const [kind, file] of [['gate', 'gate.json'], ['inspect', 'inspect.json']]) {
    const doc = join(dir, kind, file);
    (await import('node:fs')).mkdirSync(join(dir, kind));
    copyFileSync(join(EXAMPLES, kind, file), doc);
    const before = readFileSync(doc, 'utf8');
    const r = await runCli(['report', doc]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dir, kind, 'report.html')), `${kind}: report.html beside the document`);
    assert.equal(readFileSync(doc, 'utf8'), before, `${kind}: the document is not rewritten`);
  }
  assert.deepEqual(readdirSync(join(dir, 'gate')).sort(), ['gate.json', 'report.html', 'summary.md']);
  assert.deepEqual(readdirSync(join(dir, 'inspect')).sort(), ['inspect.json', 'report.html']);
});

test('report sweep.json renders report.md and report.html', async (t) => {
  const out = tempDir(t);
  const r = await runCli(['report', join(EXAMPLES, 'sweep-thread-pool/sweep.json'), '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['report.html', 'report.md']);
});

test('report refuses a document larger than the limit before reading it', async (t) => {
  const dir = tempDir(t);
  const big = join(dir, 'big.json');
  writeFileSync(big, '{"schema":"cpdiag.run/1"}');
  truncateSync(big, MAX_DOCUMENT_BYTES + 1); // sparse: no 256 MiB written
  const r = await runCli(['report', big, '-o', dir]);
  oneLineRefusal(r, /big\.json is larger than 256\.0 MiB, the most cpdiag reads/);
  assert.deepEqual(readdirSync(dir), ['big.json'], 'nothing written');
});

test('report refuses unknown schemas, bad JSON, malformed documents and non-files with exit 2', async (t) => {
  const dir = tempDir(t);
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  oneLineRefusal(await runCli(['report', file('baseline.json', '{"schema":"cpdiag.baseline/1","runs":[]}')]), /no report for schema "cpdiag\.baseline\/1" \(cpdiag report renders cpdiag\.run\/1, cpdiag\.sweep\/1, cpdiag\.compare\/1, cpdiag\.gate\/1, cpdiag\.inspect\/1\)/);
  oneLineRefusal(await runCli(['report', file('none.json', '{"steps":[]}')]), /none\.json: no "schema" field/);
  oneLineRefusal(await runCli(['report', file('list.json', '[1,2]')]), /not a cpdiag document/);
  oneLineRefusal(await runCli(['report', file('bad.json', '{"schema":')]), /bad\.json: not valid JSON/);
  const run = JSON.parse(readFileSync(join(EXAMPLES, 'run/run.json'), 'utf8'));
  run.series = 'nope';
  delete run.probes;
  oneLineRefusal(await runCli(['report', file('run.json', JSON.stringify(run))]), /run\.json: malformed cpdiag\.run\/1 document: series is not a list; probes is missing/);
  const gate = JSON.parse(readFileSync(join(EXAMPLES, 'gate/gate.json'), 'utf8'));
  gate.metrics[1].b_values = null;
  oneLineRefusal(await runCli(['report', file('gate.json', JSON.stringify(gate))]), /malformed cpdiag\.gate\/1 document: metrics\[1\]\.b_values is missing/);
  // Deeper than the shape check: what a renderer trips over is still the file's fault, exit 2.
  const deep = JSON.parse(readFileSync(join(EXAMPLES, 'run/run.json'), 'utf8'));
  deep.load.mix = [null];
  oneLineRefusal(await runCli(['report', file('deep.json', JSON.stringify(deep))]), /deep\.json: cannot render this cpdiag\.run\/1 document \(.*\); was it written by cpdiag and left whole\?/);
  oneLineRefusal(await runCli(['report', join(dir, 'missing.json')]), /cannot read .*missing\.json: no such file/);
  oneLineRefusal(await runCli(['report', dir]), /is a directory/);
  const fifo = join(dir, 'fifo.json');
  if (spawnSync('mkfifo', [fifo]).status === 0) {
    oneLineRefusal(await runCli(['report', fifo]), /fifo\.json: not a regular file/);
  } else {
    t.diagnostic('mkfifo unavailable: the FIFO case was not checked');
  }
  assert.ok(!existsSync(join(dir, 'report.html')), 'nothing rendered from a refused document');
});

test('report --help names the size limit and the schemas', () => {
  const r = spawnSync(process.execPath, [CLI, 'report', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /larger than 256\.0 MiB are refused/);
  assert.match(r.stdout, /cpdiag\.inspect\/1/);
});
