// Colour, width and message helpers for what the commands print.
//
// Colour: on for a TTY, off for pipes and files, with two environment variables on top:
//   - NO_COLOR (https://no-color.org): set and not empty, no colour at all. It wins over
//     FORCE_COLOR: a user who asks for no colour gets none, whatever a CI template forces.
//   - FORCE_COLOR, read as chalk reads it (its supports-color): "0" or "false" turns colour off
//     even on a TTY; "", "1" or "true" turns basic colour on even in a pipe or a CI log; "2" is
//     256 colours and "3" truecolor. Any other value is taken as "1" (force-color.org: any value
//     forces colour), where chalk would read it as NaN.
// chalk's own detection is not used as is: it ignores NO_COLOR, and it also reads --color and
// --no-color from argv, which are not cpdiag flags.
import { Chalk, type ChalkInstance, type ColorSupportLevel } from 'chalk';

/** The colour level for a stream under NO_COLOR / FORCE_COLOR (see the comment above). */
export function colorLevel(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): ColorSupportLevel {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === 'false' || force === '0') return 0;
    if (force === '' || force === 'true') return 1;
    const n = Number.parseInt(force, 10);
    return Number.isFinite(n) && n >= 0 ? (Math.min(n, 3) as ColorSupportLevel) : 1;
  }
  return isTTY ? 1 : 0;
}

export function makeChalk(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  return new Chalk({ level: colorLevel(Boolean(stream.isTTY)) });
}

export const out = makeChalk(process.stdout);
export const err = makeChalk(process.stderr);

/** Text is never laid out narrower than this, however narrow the terminal says it is. */
export const MIN_TEXT_WIDTH = 40;
/** Off a terminal with no $COLUMNS (a CI log, a file): lines a log viewer shows without scrolling. */
export const DEFAULT_TEXT_WIDTH = 100;

/**
 * The width to lay text out for on `stream`: $COLUMNS when it is set to a number (as GNU ls reads
 * it: the user's explicit choice, and the only width a pipe has), else the terminal's own width,
 * else DEFAULT_TEXT_WIDTH.
 */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number.parseInt(env.COLUMNS ?? '', 10);
  const width = Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : stream.isTTY && stream.columns ? stream.columns : DEFAULT_TEXT_WIDTH;
  return Math.max(MIN_TEXT_WIDTH, width);
}

export function printError(message: string, hint?: string): void {
  process.stderr.write(`${err.red('error:')} ${message}\n`);
  if (hint) process.stderr.write(`${err.dim('hint:')} ${hint}\n`);
}

export function printWarning(message: string): void {
  process.stderr.write(`${err.yellow('warning:')} ${message}\n`);
}
