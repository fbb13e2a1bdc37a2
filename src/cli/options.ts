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

/** A duration flag (src/config/duration.ts's syntax); a bare number is in `bareUnit`. Returns seconds. */
export function parseDuration(text: string, bareUnit: 's' | 'ms' = 's'): number {
  return asOptionParser((t: string) => parseDurationText(t, bareUnit))(text);
}

/** A duration flag in seconds; a bare number is seconds. */
export function parseDurationSeconds(text: string): number {
  return parseDuration(text, 's');
}

/**
 * A duration flag in milliseconds (--probe-interval, --slo-p99): "250ms", "0.5s"; a bare number is
 * milliseconds, as these flags took before they took durations.
 */
export function parseDurationMs(min = 0, max = Infinity) {
  return (text: string): number => {
    const ms = Math.round(parseDuration(text, 'ms') * 1e6) / 1e3;
    if (ms < min || ms > max) throw new InvalidArgumentError(`expected ${formatMsBound(min)} to ${formatMsBound(max)}, got "${text}"`);
    return ms;
  };
}

function formatMsBound(ms: number): string {
  return Number.isFinite(ms) ? (ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`) : 'any';
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
        // Settings in seconds take the duration syntax too ("--socket-timeout 500ms"); a bare
        // number is seconds, as in a CherryPy config file.
        const value = def.unit === 's' && /[a-z]\s*$/i.test(text) ? String(parseDurationSeconds(text)) : text;
        return coerceSetting(def, value, `--${flag}`);
      } catch (e) {
        if (e instanceof InvalidArgumentError) throw e;
        throw new InvalidArgumentError(e instanceof SettingsError ? e.message.replace(/^--[\w-]+: /, '') : String(e));
      }
    };
    const unit = def.unit ? ` (${def.unit})` : '';
    if (def.unit === 's') {
      command.option(`--${flag} <duration>`, `server.${def.name}: ${def.help} (a number of seconds, or 500ms, 1m30s) [default ${def.default}]`, parse);
    } else if (def.kind === 'bool') {
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
