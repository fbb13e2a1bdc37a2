// Wraps a subcommand's action: user errors become one line and a distinct exit code; anything
// else is a bug in cpdiag, reported as such (stack only with CPDIAG_DEBUG=1).
import { CpdiagError, EXIT } from '../exit-codes.js';
import { SettingsError } from '../config/settings.js';
import { printError } from './output.js';

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

export function reportError(e: unknown): number {
  if (e instanceof CpdiagError) {
    printError(e.message, e.hint);
    return e.exitCode;
  }
  if (e instanceof SettingsError) {
    printError(e.message, 'see `cpdiag serve --help` for the settings and their ranges');
    return EXIT.USAGE;
  }
  const message = e instanceof Error ? e.message : String(e);
  printError(`internal error: ${message}`, 'this is a bug in cpdiag; rerun with CPDIAG_DEBUG=1 for a stack trace');
  if (process.env.CPDIAG_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return EXIT.INTERNAL;
}
