// Wraps a subcommand's action: user errors become one line and a distinct exit code; anything
// else is a bug in cpdiag, reported as such: one line, a request to report it, exit 70
// (EX_SOFTWARE), and the stack trace only with CPDIAG_DEBUG=1.
import { CpdiagError, EXIT } from '../exit-codes.js';
import { SettingsError } from '../config/settings.js';
import { printError } from './output.js';

export const BUG_REPORT_HINT = 'this is a bug in cpdiag, please report it with the command you ran (CPDIAG_DEBUG=1 prints the stack trace)';

export function runAction<A extends unknown[]>(action: (...args: A) => Promise<number | void> | number | void) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await action(...args);
      process.exitCode = code ?? EXIT.OK;
    } catch (e) {
      process.exitCode = reportError(e);
    }
  };
}

/** Prints `e` for a person and returns the exit code it stands for. */
export function reportError(e: unknown): number {
  if (e instanceof CpdiagError) {
    printError(e.message, e.exitCode === EXIT.SOFTWARE ? (e.hint ?? BUG_REPORT_HINT) : e.hint);
    return e.exitCode;
  }
  if (e instanceof SettingsError) {
    printError(e.message, 'see `cpdiag serve --help` for the settings and their ranges');
    return EXIT.USAGE;
  }
  // One line: the error's class says what kind of bug (TypeError, RangeError), the first line of
  // its message what happened.
  const firstLine = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  const kind = e instanceof Error && e.name !== 'Error' ? `${e.name}: ` : '';
  printError(`internal error: ${kind}${firstLine}`, BUG_REPORT_HINT);
  if (process.env.CPDIAG_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return EXIT.SOFTWARE;
}
