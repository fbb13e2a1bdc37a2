// CherryPy's server settings: names, defaults and validation, in one table.
// The names and defaults are CherryPy 18's (cherrypy._cpserver / cheroot.server), so that a
// value found here can be pasted into a CherryPy config unchanged. `gil` is cpdiag's own.

export interface ServerSettings {
  socket_host: string;
  socket_port: number;
  thread_pool: number;
  socket_timeout: number;
  socket_queue_size: number;
  max_request_body_size: number;
  max_request_header_size: number;
  accepted_queue_size: number;
  accepted_queue_timeout: number;
  gil: boolean;
  model: ServerModel;
  processes: number;
}

/**
 * cpdiag's own: how the bundled server runs requests, the five ways of "Deploying CherryPy:
 * deployment models" (single, forking, threading, process pool, thread pool).
 */
export const SERVER_MODELS = ['thread-pool', 'single', 'thread-per-request', 'fork-per-request', 'process-pool'] as const;
export type ServerModel = (typeof SERVER_MODELS)[number];

export type SettingName = keyof ServerSettings;
type SettingKind = 'int' | 'float' | 'string' | 'bool';

export interface SettingDefinition {
  name: SettingName;
  kind: SettingKind;
  default: ServerSettings[SettingName];
  /** Smallest accepted value for numbers. */
  min?: number;
  max?: number;
  unit?: string;
  /** The accepted values of a string setting. */
  choices?: readonly string[];
  help: string;
}

const MIB = 1024 * 1024;

export const SETTING_DEFINITIONS: readonly SettingDefinition[] = [
  { name: 'socket_host', kind: 'string', default: '127.0.0.1', help: 'bind address (loopback unless asked)' },
  { name: 'socket_port', kind: 'int', default: 8080, min: 0, max: 65535, help: 'listen port; 0 picks a free port' },
  { name: 'thread_pool', kind: 'int', default: 10, min: 1, max: 4096, help: 'worker threads; fixed, never grows (as in cheroot)' },
  { name: 'socket_timeout', kind: 'float', default: 10, min: 0, unit: 's', help: 'read/write timeout on a connection, and idle keep-alive expiry' },
  { name: 'socket_queue_size', kind: 'int', default: 5, min: 0, max: 65535, help: 'the listen() backlog' },
  { name: 'max_request_body_size', kind: 'int', default: 100 * MIB, min: 0, unit: 'bytes', help: 'larger bodies get 413 and Connection: close (0 = no limit)' },
  { name: 'max_request_header_size', kind: 'int', default: 500 * 1024, min: 0, unit: 'bytes', help: 'larger request heads get 413 and a close, as cheroot answers (0 = no limit)' },
  { name: 'accepted_queue_size', kind: 'int', default: -1, min: -1, help: 'requests waiting for a worker; -1 = unbounded; when full, 503' },
  { name: 'accepted_queue_timeout', kind: 'float', default: 10, min: 0, unit: 's', help: 'how long a request may wait to enter a full queue' },
  { name: 'gil', kind: 'bool', default: true, help: "cpdiag's own: serialize handlers' CPU work under one lock with a 5 ms switch interval, as CPython's GIL" },
  { name: 'model', kind: 'string', default: 'thread-pool', choices: SERVER_MODELS, help: `cpdiag's own: the deployment model, one of ${SERVER_MODELS.join(', ')}` },
  { name: 'processes', kind: 'int', default: 2, min: 1, max: 256, help: "cpdiag's own: processes of the process-pool model, forked after binding one socket, each with thread_pool threads" },
];

/** Settings CherryPy does not have: never written into a CherryPy config. */
export const CPDIAG_OWN_SETTINGS: readonly string[] = ['gil', 'model', 'processes'];

export const DEFAULT_SETTINGS: ServerSettings = Object.fromEntries(
  SETTING_DEFINITIONS.map((d) => [d.name, d.default]),
) as unknown as ServerSettings;

/** A setting was refused; `where` is "file:line" or "--flag". */
export class SettingsError extends Error {
  constructor(message: string, readonly where?: string) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'SettingsError';
  }
}

export function findSetting(name: string): SettingDefinition | undefined {
  const short = name.replace(/^server\./, '').replace(/-/g, '_');
  return SETTING_DEFINITIONS.find((d) => d.name === short);
}

export function flagName(name: SettingName): string {
  return name.replace(/_/g, '-');
}

/** CPDIAG_THREAD_POOL etc.: how command targets receive settings in their environment. */
export function envName(name: SettingName): string {
  return `CPDIAG_${name.toUpperCase()}`;
}

/**
 * Turns a textual value (a Python literal from an ini file, or a flag) into the setting's type,
 * or throws SettingsError naming the key and the value.
 */
export function coerceSetting(def: SettingDefinition, raw: string | number | boolean, where?: string): ServerSettings[SettingName] {
  const key = `server.${def.name}`;
  const text = typeof raw === 'string' ? raw.trim() : String(raw);
  switch (def.kind) {
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      if (/^(true|1|yes|on)$/i.test(text)) return true;
      if (/^(false|0|no|off)$/i.test(text)) return false;
      throw new SettingsError(`${key} = ${text}: expected True or False`, where);
    }
    case 'string': {
      const m = /^(['"])(.*)\1$/.exec(text);
      const value = m ? m[2] : text;
      if (def.choices && !def.choices.includes(value)) throw new SettingsError(`${key} = ${text}: expected one of ${def.choices.join(', ')}`, where);
      return value;
    }
    case 'int':
    case 'float': {
      // Python literals allow underscores and simple products like 100 * 1024 * 1024.
      const value = parseNumericLiteral(text);
      if (value === undefined) throw new SettingsError(`${key} = ${text}: expected a number`, where);
      if (def.kind === 'int' && !Number.isInteger(value)) throw new SettingsError(`${key} = ${text}: expected a whole number`, where);
      if (def.min !== undefined && value < def.min) throw new SettingsError(`${key} = ${text}: must be at least ${def.min}`, where);
      if (def.max !== undefined && value > def.max) throw new SettingsError(`${key} = ${text}: must be at most ${def.max}`, where);
      return value;
    }
  }
}

function parseNumericLiteral(text: string): number | undefined {
  const factors = text.split('*').map((part) => part.trim().replace(/_/g, ''));
  let product = 1;
  for (const f of factors) {
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(f)) return undefined;
    product *= Number(f);
  }
  return Number.isFinite(product) ? product : undefined;
}

/** Validates a partial settings object (from flags, a scenario or JSON) and fills the defaults. */
export function resolveSettings(...layers: Partial<Record<string, unknown>>[]): ServerSettings {
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      const def = findSetting(key);
      if (!def) throw new SettingsError(`unknown setting ${key}`);
      out[def.name] = coerceSetting(def, value as string | number | boolean);
    }
  }
  return out as unknown as ServerSettings;
}

/** Settings as a CherryPy config snippet (Python literals), e.g. a sweep's recommendation. */
export function formatCherryPyConfig(settings: Readonly<Record<string, string | number | boolean | undefined>>): string {
  const lines = ['[global]'];
  for (const [key, value] of Object.entries(settings)) {
    if (CPDIAG_OWN_SETTINGS.includes(key) || value === undefined) continue;
    lines.push(`server.${key} = ${typeof value === 'string' ? JSON.stringify(value) : typeof value === 'boolean' ? (value ? 'True' : 'False') : value}`);
  }
  return lines.join('\n');
}
