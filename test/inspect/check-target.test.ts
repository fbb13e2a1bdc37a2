import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkInspectable } from '../../src/inspect/check-target.js';
import { ProcReader } from '../../src/probe/proc-reader.js';
import { CpdiagError, EXIT } from '../../src/exit-codes.js';
import { FIXTURE_TREE } from '../probe/fixtures-path.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CpdiagError, String(e));
    return { code: e.exitCode, message: e.message };
  }
  return { code: EXIT.OK, message: '' };
};

test('not Linux, or no procfs: exit 6', () => {
  assert.equal(code(() => checkInspectable(new ProcReader(), 1, 'darwin')).code, EXIT.UNSUPPORTED_PLATFORM);
  const r = code(() => checkInspectable(new ProcReader('/nonexistent-proc'), 1, 'linux'));
  assert.equal(r.code, EXIT.UNSUPPORTED_PLATFORM);
  assert.match(r.message, /needs Linux/);
});

test('fixture process passes; missing pid is exit 5', () => {
  const reader = new ProcReader(FIXTURE_TREE);
  assert.equal(checkInspectable(reader, 7159, 'linux').comm, 'python3');
  assert.equal(code(() => checkInspectable(reader, 4242, 'linux')).code, EXIT.NO_PROCESS);
  assert.equal(code(() => checkInspectable(reader, 0, 'linux')).code, EXIT.USAGE);
});
