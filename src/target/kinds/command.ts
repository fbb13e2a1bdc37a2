// The user's own server, from a command template (`--cmd 'python3 app.py --port {port}'`): split
// without a shell, placeholders filled from the settings (also passed as CPDIAG_* variables), ready
// when a path answers.
import { createServer } from 'node:net';
import { z } from 'zod';
import { SETTING_DEFINITIONS, envName, type ServerSettings, type SettingName } from '../../config/settings.js';
import { settingsInCommand } from '../known-settings.js';
import { parseDurationText } from '../../config/duration.js';
import { defineTargetKind } from '../target-kind.js';
import { statsUrlSchema } from '../stats-url-schema.js';
import { fillPlaceholders, splitCommandLine } from '../command-line.js';
import { spawnTarget } from '../spawn-target.js';
import { wantsConfigFile, writeConfigForStart } from '../config-placeholder.js';

const DEFAULT_READY_TIMEOUT_S = 20;

const schema = z
  .object({
    kind: z.literal('command'),
    /** Command template, split without a shell; {port} and {thread_pool}, {socket_timeout}, ... are filled. */
    command: z.string().min(1),
    /** Path polled until it answers (any HTTP status). */
    ready_path: z.string().startsWith('/').optional(),
    ready_timeout_s: z.number().positive().optional(),
    cwd: z.string().optional(),
    stats_url: statsUrlSchema.optional(),
    config_file: z.string().min(1).optional().describe("the CherryPy config file that {config} in the command is written from, with the run's settings applied"),
  })
  .strict();

export type CommandSpec = z.infer<typeof schema>;

export const commandKind = defineTargetKind({
  name: 'command',
  schema,
  describe: (spec) => spec.command,
  reportLabel: (target, code) => `command ${code(target.command ?? '')}`,
  restartable: true,
  flags: [
    { flags: '--cmd <command>', description: "run your own server: a command template, e.g. 'python3 app.py --port {port} --threads {thread_pool}' or 'python3 app.py -c {config}' (no shell; settings also in CPDIAG_* env vars)" },
    { flags: '--ready-path <path>', description: 'with --cmd: path polled until the target answers', defaultValue: '/' },
    { flags: '--ready-timeout <duration>', description: 'with --cmd: how long to wait for the target to answer', parse: parseDurationText },
  ],
  fromFlags: (opts) =>
    opts.cmd === undefined
      ? undefined
      : { kind: 'command' as const, command: String(opts.cmd), ready_path: (opts.readyPath as string | undefined) ?? '/', ready_timeout_s: opts.readyTimeout as number | undefined },
  start: async (spec, { settings, signal }) => {
    // 8080 (the default) is likely taken on a developer's machine: a free port instead.
    const port = settings.socket_port === 0 || settings.socket_port === 8080 ? await findFreePort(settings.socket_host) : settings.socket_port;
    const effective: ServerSettings = { ...settings, socket_port: port };
    const values: Record<string, string | number | boolean> = { port, host: effective.socket_host };
    const env: NodeJS.ProcessEnv = { CPDIAG_PORT: String(port), CPDIAG_HOST: effective.socket_host };
    for (const def of SETTING_DEFINITIONS) {
      const v = effective[def.name];
      values[def.name] = v;
      env[envName(def.name)] = typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
    }
    // {config}: a CherryPy config file with this start's settings (config-placeholder.ts).
    const config = wantsConfigFile(spec.command) ? writeConfigForStart(effective, spec.config_file) : undefined;
    if (config) values.config = config.path;
    const host = effective.socket_host.includes(':') ? `[${effective.socket_host}]` : effective.socket_host;
    try {
      const argv = fillPlaceholders(splitCommandLine(spec.command), values);
      const target = await spawnTarget({
        kind: 'command',
        argv,
        env,
        cwd: spec.cwd,
        settings: effective,
        readiness: { kind: 'http', url: `http://${host}:${port}`, path: spec.ready_path ?? '/' },
        readyTimeoutMs: (spec.ready_timeout_s ?? DEFAULT_READY_TIMEOUT_S) * 1000,
        signal,
        statsPath: spec.stats_url,
      });
      // Known about the target: what its command line passes ({config} carries every setting);
      // socket_host and socket_port are cpdiag's own choice.
      const given = config ? SETTING_DEFINITIONS.map((d) => d.name) : [...new Set<SettingName>(['socket_host', 'socket_port', ...settingsInCommand(spec.command)])];
      target.knownSettings = { names: given, source: {} };
      return config ? { ...target, stop: () => target.stop().finally(config.cleanup) } : target;
    } catch (e) {
      config?.cleanup();
      throw e;
    }
  },
});

export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
