// Colour and message helpers. Colour is on only for a TTY and never when NO_COLOR is set
// (https://no-color.org), which chalk's own detection does not fully honour for non-TTY pipes.
import { Chalk, type ChalkInstance } from 'chalk';

export function makeChalk(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  const level = noColor || !stream.isTTY ? 0 : 1;
  return new Chalk({ level });
}

export const out = makeChalk(process.stdout);
export const err = makeChalk(process.stderr);

export function printError(message: string, hint?: string): void {
  process.stderr.write(`${err.red('error:')} ${message}\n`);
  if (hint) process.stderr.write(`${err.dim('hint:')} ${hint}\n`);
}

export function printWarning(message: string): void {
  process.stderr.write(`${err.yellow('warning:')} ${message}\n`);
}
