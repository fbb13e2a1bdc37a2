import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillPlaceholders, splitCommandLine } from '../../src/target/command-line.js';
import { CpdiagError } from '../../src/exit-codes.js';

test('splits like a shell would, without running one', () => {
  assert.deepEqual(splitCommandLine(`python3 app.py --port {port} --name 'a b' "c \\"d\\"" e\\ f`), ['python3', 'app.py', '--port', '{port}', '--name', 'a b', 'c "d"', 'e f']);
  assert.deepEqual(splitCommandLine('  a   b  '), ['a', 'b']);
  assert.deepEqual(splitCommandLine(`x ''`), ['x', '']);
  // Shell syntax is passed through literally: no injection.
  assert.deepEqual(splitCommandLine('echo $(rm -rf /); ls'), ['echo', '$(rm', '-rf', '/);', 'ls']);
});

test('refuses unbalanced quotes and empty commands', () => {
  assert.throws(() => splitCommandLine(`a 'b`), CpdiagError);
  assert.throws(() => splitCommandLine('   '), /empty/);
});

test('fills placeholders and names unknown ones', () => {
  assert.deepEqual(fillPlaceholders(['--port={port}', '{thread_pool}', '{gil}'], { port: 81, thread_pool: 4, gil: true }), ['--port=81', '4', 'True']);
  assert.throws(() => fillPlaceholders(['{nope}'], { port: 1 }), /unknown placeholder \{nope\}/);
});
