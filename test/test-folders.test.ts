// `npm test` runs in two passes (package.json): the test files listed in test/timing-tests.txt one
// at a time, alone on the machine, and every other test file two at a time. A stale line in the
// list would drop a file from the timing pass without anyone noticing: every line names a test
// file that exists, once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('test/timing-tests.txt names existing test files, each once, and both passes use it', () => {
  const lines = readFileSync(`${ROOT}test/timing-tests.txt`, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  assert.ok(lines.length > 10, `${lines.length} timing test files`);
  for (const line of lines) {
    assert.match(line, /^dist\/test\/.+\.test\.js$/, line);
    assert.ok(existsSync(`${ROOT}${line}`), `${line} does not exist (renamed or removed? update test/timing-tests.txt)`);
  }
  assert.equal(new Set(lines).size, lines.length, 'a file listed twice');
  const scripts = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.match(scripts['test:parallel']!, /grep -vxFf test\/timing-tests\.txt/);
  assert.match(scripts['test:timing']!, /test\/timing-tests\.txt/);
  assert.match(scripts.test!, /test:parallel.*test:timing/);
});
