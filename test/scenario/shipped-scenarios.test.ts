import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { CAUSES } from '../../src/diagnose/causes.js';
import { CpdiagError, EXIT } from '../../src/exit-codes.js';

const dirs = ['scenarios', 'scenarios/faults'];

test('every shipped scenario is valid', () => {
  let count = 0;
  for (const dir of dirs) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
      const s = loadScenarioFile(join(dir, f));
      assert.ok(s.name, `${f} has a name`);
      count++;
    }
  }
  assert.ok(count >= 10, `found ${count} scenarios`);
});

test('every fault scenario injects a cause that is in the table (or none)', () => {
  const ids = new Set(CAUSES.map((c) => c.id));
  for (const f of readdirSync('scenarios/faults').filter((n) => n.endsWith('.yaml'))) {
    const s = loadScenarioFile(join('scenarios/faults', f));
    assert.ok(s.injects, `${f} names the cause it injects`);
    assert.ok(s.injects === 'none' || ids.has(s.injects), `${f}: ${s.injects} is a cause id`);
  }
});

test('a bad scenario file is refused with the path of the bad field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-scn-'));
  const cases: [string, RegExp][] = [
    ['load: { mode: sideways }', /load\.mode/],
    ['load: { connections: -3 }', /load\.connections/],
    ['mix: [{ path: "no-slash" }]', /mix\.0\.path/],
    ['settings: { thread_pool: 0 }', /thread_pool.*at least 1/],
    ['settings: { threadpool: 4 }', /unknown setting threadpool/],
    ['bogus_key: 1', /bogus_key|Unrecognized key/],
    ['load: [unclosed', /not valid YAML/],
    ['target: { kind: command }', /target\.command/],
  ];
  for (const [text, expected] of cases) {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, text);
    assert.throws(
      () => loadScenarioFile(file),
      (e: unknown) => e instanceof CpdiagError && e.exitCode === EXIT.USAGE && expected.test(e.message),
      `${text} → ${expected}`,
    );
  }
  assert.throws(() => loadScenarioFile(join(dir, 'missing.yaml')), /no such scenario file/);
});
