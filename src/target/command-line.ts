// Splits a command template into argv without a shell and fills {placeholders}, so that a user's
// `--cmd 'python3 app.py --port {port}'` runs exactly as written, with no shell injection.
import { CpdiagError, EXIT } from '../exit-codes.js';

/** POSIX-like word splitting: whitespace separates, single and double quotes group, backslash escapes. */
export function splitCommandLine(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) current += text[++i];
      else current += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) throw new CpdiagError(`unbalanced ${quote} quote in command: ${text}`, EXIT.USAGE);
  if (inWord) words.push(current);
  if (words.length === 0) throw new CpdiagError('the command is empty', EXIT.USAGE);
  return words;
}

/** Replaces {name} in each word; an unknown placeholder is an error naming the known ones. */
export function fillPlaceholders(argv: string[], values: Record<string, string | number | boolean>): string[] {
  return argv.map((word) =>
    word.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
      if (!(name in values)) {
        throw new CpdiagError(`unknown placeholder {${name}} in the command`, EXIT.USAGE, `known placeholders: ${Object.keys(values).map((k) => `{${k}}`).join(' ')}`);
      }
      const v = values[name];
      return typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
    }),
  );
}
