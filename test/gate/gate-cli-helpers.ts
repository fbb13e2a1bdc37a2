// Shared by the gate CLI tests: tiny load flags, a temp folder, and the one-line error check.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Short runs of a 30 ms handler: ~1 s per run including the server's start-up. */
export const LOAD = ['--duration', '0.5s', '--warmup', '0.2s', '--warmup-runs', '0', '--path', '/work?io_ms=30', '-c', '4'];
export const TINY = [...LOAD, '--no-report'];

export function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'cpdiag-gate-cli-'));
}

export function oneLineError(stderr: string, pattern: RegExp): void {
  const errors = stderr.split('\n').filter((l) => l.startsWith('error:'));
  assert.equal(errors.length, 1, stderr);
  assert.match(errors[0], pattern);
  assert.ok(!/\n\s+at /.test(stderr), 'no stack trace');
}
