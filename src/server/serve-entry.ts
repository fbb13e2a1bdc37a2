#!/usr/bin/env node
// `node dist/src/server/serve-entry.js serve [flags]`: the serve command alone, without loading
// every other cpdiag command. Same flags, output and exit codes as `cpdiag serve`; used by
// benches (and by spawnBundledServer when asked) so the server starts even while an unrelated
// command's module is broken, and starts faster.
import { Command, CommanderError } from 'commander';
import { EXIT } from '../exit-codes.js';
import { registerServe } from '../../cli/commands/serve.js';

const program = new Command('cpdiag').exitOverride();
registerServe(program);
for (const sub of program.commands) sub.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (!(e instanceof CommanderError)) throw e;
  process.exitCode = e.code === 'commander.helpDisplayed' || e.code === 'commander.help' ? EXIT.OK : EXIT.USAGE;
}
