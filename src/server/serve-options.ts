// serve's flags, in one place for both ways in: `cpdiag serve` (commander, in cli/commands/serve.ts)
// and the lean entry (serve-entry.ts, node:util parseArgs, used to start the bundled server as a
// target). Both read the same table and validate with the same functions, so they accept and
// refuse the same text; the lean one never loads the command line's modules.
import { parseArgs } from 'node:util';
import { SETTING_DEFINITIONS, coerceSetting, flagName, type ServerSettings } from '../config/settings.js';
import { parseDurationText } from '../config/duration.js';
import { CpdiagError, EXIT } from '../exit-codes.js';

export const DEFAULT_DRAIN_TIMEOUT_S = 30;

/** A flag of serve's own (the server settings' flags come from SETTING_DEFINITIONS). */
export interface ServeFlag {
  /** Long name without dashes, e.g. "drain-timeout". */
  name: string;
  /** Value placeholder for help, e.g. "<seconds>". */
  value: string;
  help: string;
  /** Validates the text; throws an Error whose message is the one line the user sees. */
  parse?: (text: string) => unknown;
}

export const SERVE_FLAGS: readonly ServeFlag[] = [
  { name: 'config', value: '<file>', help: 'CherryPy-style ini config file ([global] server.* keys)' },
  {
    name: 'drain-timeout',
    value: '<duration>',
    help: `how long in-flight requests may take after SIGTERM, e.g. 30s, 1m30s (a bare number is seconds) [default ${DEFAULT_DRAIN_TIMEOUT_S}]`,
    parse: parseDurationText,
  },
];

/** What serve needs from its flags, however they were parsed. */
export interface ServeArgs {
  configFile?: string;
  /** Settings given as flags (they win over the file). */
  flagSettings: Partial<ServerSettings>;
  drainTimeoutS: number;
}

/**
 * The lean entry's parser: `[serve] --flag value ...` (a leading "serve" is accepted so that a
 * `cpdiag serve` command line works unchanged). Returns 'help' for -h/--help; throws CpdiagError
 * (USAGE) or SettingsError with one line naming the flag and the value.
 */
export function parseServeArgs(argv: readonly string[]): ServeArgs | 'help' {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const flag of SERVE_FLAGS) options[flag.name] = { type: 'string' };
  for (const def of SETTING_DEFINITIONS) options[flagName(def.name)] = { type: 'string' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: joinValues(argv, options), options, strict: true, allowPositionals: true });
  } catch (e) {
    // node's messages are long and about positional arguments; say it as commander does.
    const err = e as NodeJS.ErrnoException;
    const option = /'(-[^']+)'/.exec(err.message)?.[1];
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new CpdiagError(`unknown option '${option}'`, EXIT.USAGE, 'see `cpdiag serve --help`');
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new CpdiagError(`option '${option}' needs a value`, EXIT.USAGE);
    throw new CpdiagError(err.message.split('\n')[0], EXIT.USAGE);
  }
  const extra = parsed.positionals.filter((p, i) => !(i === 0 && p === 'serve'));
  if (extra.length > 0) throw new CpdiagError(`unexpected argument '${extra[0]}'`, EXIT.USAGE, 'see `cpdiag serve --help`');
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return 'help';

  const flagSettings: Record<string, unknown> = {};
  for (const def of SETTING_DEFINITIONS) {
    const flag = flagName(def.name);
    const text = values[flag];
    if (typeof text === 'string') flagSettings[def.name] = coerceSetting(def, text, `--${flag}`);
  }
  const parsedFlags: Record<string, unknown> = {};
  for (const flag of SERVE_FLAGS) {
    const text = values[flag.name];
    if (typeof text !== 'string') continue;
    try {
      parsedFlags[flag.name] = flag.parse ? flag.parse(text) : text;
    } catch (e) {
      throw new CpdiagError(`--${flag.name}: ${(e as Error).message}`, EXIT.USAGE);
    }
  }
  return {
    configFile: parsedFlags.config as string | undefined,
    flagSettings: flagSettings as Partial<ServerSettings>,
    drainTimeoutS: (parsedFlags['drain-timeout'] as number | undefined) ?? DEFAULT_DRAIN_TIMEOUT_S,
  };
}

/**
 * `--flag value` → `--flag=value` for options that take a value: parseArgs (unlike commander)
 * refuses a separate value that starts with "-", as in `--accepted-queue-size -1`.
 */
function joinValues(argv: readonly string[], options: Record<string, { type: 'string' | 'boolean' }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') && !argv[i].includes('=') ? argv[i].slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && i + 1 < argv.length) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

/** Usage of the lean entry: the same flags as `cpdiag serve` (whose --help has the full text). */
export function formatServeUsage(): string {
  const lines = ['usage: node serve-entry.js [--flag value ...]   (the flags of `cpdiag serve`; see `cpdiag serve --help`)', ''];
  for (const flag of SERVE_FLAGS) lines.push(`  --${flag.name} ${flag.value}  ${flag.help}`);
  for (const def of SETTING_DEFINITIONS) lines.push(`  --${flagName(def.name)} <value>  server.${def.name}: ${def.help}`);
  return `${lines.join('\n')}\n`;
}
