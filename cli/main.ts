#!/usr/bin/env node
// The subcommand table and nothing else: each verb lives in cli/commands/<verb>.ts.
import { Command, CommanderError } from 'commander';
import { CPDIAG_VERSION } from '../src/version.js';
import { EXIT } from '../src/exit-codes.js';
import { reportError } from '../src/cli/run-action.js';
import { guardClosedPipes } from '../src/cli/closed-pipes.js';
import { terminalWidth } from '../src/cli/output.js';

/**
 * The subcommands in --help order, each loaded only when it runs: one verb's modules (the load
 * engine, the reports, ...) take most of a second to load, which every invocation of another
 * verb, and every refused flag, would otherwise pay.
 */
const COMMANDS: readonly { name: string; load: () => Promise<(program: Command) => void> }[] = [
  { name: 'sweep', load: async () => (await import('./commands/sweep.js')).registerSweep },
  { name: 'compare', load: async () => (await import('./commands/compare.js')).registerCompare },
  { name: 'run', load: async () => (await import('./commands/run.js')).registerRun },
  { name: 'gate', load: async () => (await import('./commands/gate.js')).registerGate },
  { name: 'baseline', load: async () => (await import('./commands/baseline.js')).registerBaseline },
  { name: 'inspect', load: async () => (await import('./commands/inspect.js')).registerInspect },
  { name: 'diagnose', load: async () => (await import('./commands/diagnose.js')).registerDiagnose },
  { name: 'causes', load: async () => (await import('./commands/causes.js')).registerCauses },
  { name: 'serve', load: async () => (await import('./commands/serve.js')).registerServe },
  { name: 'schema', load: async () => (await import('./commands/schema.js')).registerSchema },
  { name: 'report', load: async () => (await import('./commands/report.js')).registerReport },
];

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

// The verb is the first argument that is not an option (cpdiag takes no options before it but
// --help and --version). Anything else (no verb, --help, a typo to suggest from) registers them all.
const verb = process.argv.slice(2).find((a) => !a.startsWith('-'));
const only = COMMANDS.find((c) => c.name === verb);
for (const command of only ? [only] : COMMANDS) (await command.load())(program);
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
