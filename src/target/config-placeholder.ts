// The {config} placeholder of a --cmd template: for each target start, cpdiag writes a CherryPy
// config file — the operator's own (--config) with this start's settings applied: the port cpdiag
// picked, and every setting whose value differs from what the file already says (the swept value,
// flags, the scenario) — in a private temporary folder, and puts its path in the command. So
// `python3 app.py -c {config}` runs the operator's app with its own configuration and the value
// being measured, with no command-line flag of the app's needed. The folder goes when the target
// stops (and, failing that, when cpdiag exits).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readCherryPyConfigFile } from '../config/cherrypy-config.js';
import { DEFAULT_SETTINGS, SETTING_DEFINITIONS, type ServerSettings } from '../config/settings.js';
import { writeCherryPyConfigFile } from '../config/write-cherrypy-config.js';

export const CONFIG_PLACEHOLDER = '{config}';

export interface WrittenConfig {
  /** The file to put in place of {config}. */
  path: string;
  /** Removes the private folder (idempotent). */
  cleanup(): void;
}

const leftovers = new Set<string>();
let exitHookInstalled = false;

/** True when the command template asks for a config file. */
export function wantsConfigFile(template: string): boolean {
  return template.includes(CONFIG_PLACEHOLDER);
}

/**
 * The server.* values to write: socket_host and socket_port always (cpdiag chose the port), and
 * each other setting whose value differs from the one the operator's file gives (or CherryPy's
 * default when the file does not set it). cpdiag's `gil` is not a CherryPy key.
 */
export function settingsToWrite(settings: ServerSettings, fromFile: Partial<ServerSettings>): Partial<ServerSettings> {
  const out: Record<string, unknown> = { socket_host: settings.socket_host, socket_port: settings.socket_port };
  for (const def of SETTING_DEFINITIONS) {
    if (def.name === 'gil' || def.name === 'socket_host' || def.name === 'socket_port') continue;
    const base = fromFile[def.name] ?? DEFAULT_SETTINGS[def.name];
    if (settings[def.name] !== base) out[def.name] = settings[def.name];
  }
  return out as Partial<ServerSettings>;
}

/** Writes the config file for one target start; `sourceFile` is the operator's (--config), if any. */
export function writeConfigForStart(settings: ServerSettings, sourceFile: string | undefined): WrittenConfig {
  const fromFile = sourceFile !== undefined ? readCherryPyConfigFile(sourceFile).settings : {};
  // mkdtemp makes the folder 0700: the file may hold the app's secrets, copied from its config.
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-config-'));
  leftovers.add(dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const d of leftovers) rmSync(d, { recursive: true, force: true });
    });
  }
  const path = join(dir, sourceFile !== undefined ? basename(sourceFile) : 'cpdiag.conf');
  try {
    writeCherryPyConfigFile(sourceFile, settingsToWrite(settings, fromFile), path);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    leftovers.delete(dir);
    throw e;
  }
  return {
    path,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      leftovers.delete(dir);
    },
  };
}
