// Option parsers and the shared server-setting flags, so that every subcommand refuses bad
// values the same way: commander turns InvalidArgumentError into a one-line message, exit 2.
import { InvalidArgumentError, type Command } from 'commander';
import { SETTING_DEFINITIONS, coerceSetting, flagName, SettingsError, type ServerSettings } from '../config/settings.js';
import { parseDurationText } from '../config/duration.js';

export function parseInteger(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isInteger(value)) throw new InvalidArgumentError(`expected a whole number, got "${text}"`);
    if (value < min || value > max) throw new InvalidArgumentError(`expected ${min} to ${max}, got ${value}`);
    return value;
  };
}

export function parseNumber(min = -Infinity, max = Infinity) {
  return (text: string): number => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError(`expected a number, got "${text}"`);
    if (value < min || value > max) throw new InvalidArgumentError(`expected ${min} to ${max}, got ${value}`);
    return value;
  };
}

/** Durations: "30", "30s", "500ms", "2m". Returns seconds. */
export const parseDurationSeconds = asOptionParser(parseDurationText);

/** A validator from below the CLI (throws a plain Error) as a commander option parser: one line, exit 2. */
export function asOptionParser<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (e) {
      throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
    }
  };
}

export function parseChoice<T extends string>(choices: readonly T[]) {
  return (text: string): T => {
    if (!(choices as readonly string[]).includes(text)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got "${text}"`);
    return text as T;
  };
}

/** Adds --thread-pool, --socket-timeout, ... (every server setting) to a command. */
export function addSettingOptions(command: Command): Command {
  for (const def of SETTING_DEFINITIONS) {
    const flag = flagName(def.name);
    const parse = (text: string) => {
      try {
        return coerceSetting(def, text, `--${flag}`);
      } catch (e) {
        throw new InvalidArgumentError(e instanceof SettingsError ? e.message.replace(/^--[\w-]+: /, '') : String(e));
      }
    };
    const unit = def.unit ? ` (${def.unit})` : '';
    if (def.kind === 'bool') {
      command.option(`--${flag} <bool>`, `server.${def.name}: ${def.help} [default ${def.default ? 'True' : 'False'}]`, parse);
    } else {
      command.option(`--${flag} <value>`, `server.${def.name}: ${def.help}${unit} [default ${def.default}]`, parse);
    }
  }
  return command;
}

/** Picks the server settings given as flags out of commander's parsed options. */
export function settingsFromOptions(opts: Record<string, unknown>): Partial<ServerSettings> {
  const out: Record<string, unknown> = {};
  for (const def of SETTING_DEFINITIONS) {
    const camel = def.name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (opts[camel] !== undefined) out[def.name] = opts[camel];
  }
  return out as Partial<ServerSettings>;
}
