// `npm test` runs the test folders in two passes (package.json: test:parallel two files at a time,
// test:timing one at a time). A folder in neither list would silently never run: every folder and
// top-level test file is in exactly one of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TEST_DIR = fileURLToPath(new URL('./', import.meta.url));
/** Folders of shared code and data, not tests. */
const NOT_TESTS = new Set(['helpers', 'fixtures']);

test('every test folder and top-level test file is in exactly one pass of npm test', () => {
  const scripts = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
  const listed = (name: string) => scripts[name]!.split(/\s+/).filter((w) => w.startsWith('dist/test/')).map((w) => w.slice('dist/test/'.length));
  const parallel = listed('test:parallel');
  const timing = listed('test:timing');
  const entries = readdirSync(TEST_DIR, { withFileTypes: true })
    .filter((e) => (e.isDirectory() && !NOT_TESTS.has(e.name)) || (e.isFile() && e.name.endsWith('.test.js')))
    .map((e) => e.name);
  for (const entry of entries) {
    const count = Number(parallel.includes(entry)) + Number(timing.includes(entry));
    assert.equal(count, 1, `${entry} is in ${count} of the two passes (package.json test:parallel / test:timing)`);
  }
  for (const entry of [...parallel, ...timing]) assert.ok(entries.includes(entry), `${entry} is listed but does not exist`);
});
