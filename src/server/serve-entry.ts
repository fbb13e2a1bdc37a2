#!/usr/bin/env node
// The lean way to start the bundled server: `node dist/src/server/serve-entry.js [flags]` takes the
// flags of `cpdiag serve` (serve-options.ts, the same table and validation) and runs it without
// loading the command line: no commander, no other command's modules. Every bundled target, test
// and bench starts the server through this file (src/target/kinds/bundled.ts). Output, exit codes
// and signals are those of `cpdiag serve`.
import { SettingsError } from '../config/settings.js';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { runServe } from './run-serve.js';
import { formatServeUsage, parseServeArgs } from './serve-options.js';

function fail(message: string, hint?: string): void {
  process.stderr.write(`error: ${message}\n${hint ? `hint: ${hint}\n` : ''}`);
}

try {
  const args = parseServeArgs(process.argv.slice(2));
  if (args === 'help') {
    process.stdout.write(formatServeUsage());
  } else {
    process.exitCode = await runServe({ ...args, stdout: process.stdout, stderr: process.stderr });
  }
} catch (e) {
  if (e instanceof CpdiagError) {
    fail(e.message, e.hint);
    process.exitCode = e.exitCode;
  } else if (e instanceof SettingsError) {
    fail(e.message, 'see `cpdiag serve --help` for the settings and their ranges');
    process.exitCode = EXIT.USAGE;
  } else {
    fail(`internal error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, 'this is a bug in cpdiag, please report it with the command you ran (CPDIAG_DEBUG=1 prints the stack trace)');
    if (process.env.CPDIAG_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = EXIT.SOFTWARE;
  }
}
