#!/usr/bin/env node
// The subcommand table and nothing else: each verb lives in cli/commands/<verb>.ts.
import { Command, CommanderError } from 'commander';
import { CPDIAG_VERSION } from '../src/version.js';
import { EXIT } from '../src/exit-codes.js';
import { reportError } from '../src/cli/run-action.js';
import { guardClosedPipes } from '../src/cli/closed-pipes.js';
import { terminalWidth } from '../src/cli/output.js';
import { registerServe } from './commands/serve.js';
import { registerRun } from './commands/run.js';
import { registerSweep } from './commands/sweep.js';
import { registerCompare } from './commands/compare.js';
import { registerDiagnose } from './commands/diagnose.js';
import { registerCauses } from './commands/causes.js';
import { registerInspect } from './commands/inspect.js';
import { registerGate } from './commands/gate.js';
import { registerBaseline } from './commands/baseline.js';
import { registerSchema } from './commands/schema.js';
import { registerReport } from './commands/report.js';

// `cpdiag … | head`: a reader that goes away ends the output quietly, not with a stack trace.
guardClosedPipes();

const program = new Command('cpdiag')
  .description('Measure, tune and diagnose thread-pool HTTP servers (CherryPy/cheroot and alike).')
  .version(CPDIAG_VERSION, '-V, --version')
  .showSuggestionAfterError(true)
  // Help is laid out for the same width as the reports ($COLUMNS, the terminal, else 100);
  // subcommands inherit this.
  .configureOutput({ getOutHelpWidth: () => terminalWidth(process.stdout), getErrHelpWidth: () => terminalWidth(process.stderr) })
  .exitOverride();

for (const register of [registerSweep, registerCompare, registerRun, registerGate, registerBaseline, registerInspect, registerDiagnose, registerCauses, registerServe, registerSchema, registerReport]) {
  register(program);
}
// Every subcommand refuses unknown flags and bad values the same way (exitOverride: exit 2).
for (const sub of program.commands) sub.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    const benign = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help';
    process.exitCode = benign ? EXIT.OK : EXIT.USAGE;
  } else {
    // Actions report their own errors (runAction); this catches what escapes one, e.g. an option
    // parser that throws: the same one line and exit code, never Node's stack trace and exit 1.
    process.exitCode = reportError(e);
  }
}
