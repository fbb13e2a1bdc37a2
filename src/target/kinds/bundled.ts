// The bundled reference server (`cpdiag serve`), started through its lean entry
// (src/server/serve-entry.ts: serve's flags without the command line) on a free port. The one way
// to start it, for targets, tests and benches alike: supervised, ready when it prints its URL.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { flagName, resolveSettings, type ServerSettings } from '../../config/settings.js';
import { defineTargetKind } from '../target-kind.js';
import { spawnTarget } from '../spawn-target.js';
import type { RunningTarget } from '../target.js';

/** dist/src/target/kinds/bundled.js → dist/src/server/serve-entry.js */
export const SERVE_ENTRY_PATH = fileURLToPath(new URL('../../server/serve-entry.js', import.meta.url));
export const BUNDLED_STATS_PATH = '/_cpdiag/stats';
/** 256 workers take a few seconds on a loaded machine. */
const DEFAULT_READY_TIMEOUT_MS = 20_000;

/** Settings as serve's flags: { thread_pool: 4, gil: false } → --thread-pool 4 --gil False. */
export function settingsToArgs(settings: Partial<ServerSettings>): string[] {
  const args: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    const text = typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
    args.push(`--${flagName(key as keyof ServerSettings)}`, text);
  }
  return args;
}

export interface BundledServerOptions {
  /** More flags for serve, e.g. ['--drain-timeout', '2'] or ['--config', file]. */
  extraArgs?: string[];
  /** Added to the environment (e.g. CPDIAG_WORK_SCALE). */
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
  signal?: AbortSignal;
  /** Called with each line of the server's log (stderr). */
  onStderr?: (line: string) => void;
}

/** Starts the bundled server with these settings (socket_port defaults to 0: a free port). */
export function startBundledServer(settings: Partial<ServerSettings>, opts: BundledServerOptions = {}): Promise<RunningTarget> {
  const flags = { socket_port: 0, ...settings };
  return spawnBundled(flags, resolveSettings(flags), opts);
}

/** `recorded`: the settings the run record shows (a scenario's, whose port the server does not use). */
function spawnBundled(flags: Partial<ServerSettings>, recorded: ServerSettings, opts: BundledServerOptions): Promise<RunningTarget> {
  return spawnTarget({
    kind: 'bundled',
    argv: [process.execPath, SERVE_ENTRY_PATH, ...settingsToArgs(flags), ...(opts.extraArgs ?? [])],
    env: opts.env,
    settings: recorded,
    readiness: { kind: 'stdout-url' },
    readyTimeoutMs: opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    signal: opts.signal,
    statsPath: BUNDLED_STATS_PATH,
    onStderr: opts.onStderr,
  });
}

export const bundledKind = defineTargetKind({
  name: 'bundled',
  schema: z.object({ kind: z.literal('bundled') }).strict(),
  describe: () => 'bundled server',
  reportLabel: () => 'the bundled reference server',
  restartable: true,
  // The default target: chosen when no other kind's flags are given.
  start: (_spec, { settings, signal }) => spawnBundled({ ...settings, socket_port: 0 }, settings, { signal }),
});
