// Turns a TargetSpec and the run's settings into a running, ready target.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { SETTING_DEFINITIONS, envName, type ServerSettings } from '../config/settings.js';
import { CLI_MAIN_PATH, settingsToArgs } from '../server/spawn-bundled.js';
import { fillPlaceholders, splitCommandLine } from './command-line.js';
import { spawnTarget } from './spawn-target.js';
import type { RunningTarget, TargetExit, TargetSpec } from './target.js';
import { fetchServerStats } from '../probe/server-stats.js';
import { settingsInCommand, settingsInStats } from './known-settings.js';
import type { SettingName } from '../config/settings.js';

export const BUNDLED_STATS_PATH = '/_cpdiag/stats';
const DEFAULT_READY_TIMEOUT_S = 20;
const ATTACHED_POLL_MS = 500;

export async function startTarget(spec: TargetSpec, settings: ServerSettings, signal?: AbortSignal): Promise<RunningTarget> {
  switch (spec.kind) {
    case 'bundled':
      return spawnTarget({
        kind: 'bundled',
        argv: [process.execPath, CLI_MAIN_PATH, 'serve', ...settingsToArgs({ ...settings, socket_port: 0 })],
        settings,
        readiness: { kind: 'stdout-url' },
        readyTimeoutMs: DEFAULT_READY_TIMEOUT_S * 1000,
        signal,
        statsPath: BUNDLED_STATS_PATH,
      });
    case 'command': {
      const port = settings.socket_port === 0 || settings.socket_port === 8080 ? await findFreePort(settings.socket_host) : settings.socket_port;
      const effective: ServerSettings = { ...settings, socket_port: port };
      const values: Record<string, string | number | boolean> = { port, host: effective.socket_host };
      const env: NodeJS.ProcessEnv = { CPDIAG_PORT: String(port), CPDIAG_HOST: effective.socket_host };
      for (const def of SETTING_DEFINITIONS) {
        const v = effective[def.name];
        values[def.name] = v;
        env[envName(def.name)] = typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
      }
      const argv = fillPlaceholders(splitCommandLine(spec.command), values);
      const host = effective.socket_host.includes(':') ? `[${effective.socket_host}]` : effective.socket_host;
      // Only what the command line passes is known; socket_host/port are cpdiag's own choice.
      const given = [...new Set<SettingName>(['socket_host', 'socket_port', ...settingsInCommand(spec.command)])];
      const started = await spawnTarget({
        kind: 'command',
        argv,
        env,
        cwd: spec.cwd,
        settings: effective,
        readiness: { kind: 'http', url: `http://${host}:${port}`, path: spec.ready_path ?? '/' },
        readyTimeoutMs: (spec.ready_timeout_s ?? DEFAULT_READY_TIMEOUT_S) * 1000,
        signal,
      });
      started.knownSettings = { names: given, source: {} };
      return started;
    }
    case 'attached':
      return attachWithStats(attachTarget(spec.url, spec.pid, settings));
  }
}

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

/**
 * An attached server tells what it can: the bundled server's stats carry its settings (then its
 * stats are read during the run too); anything else is unknown until inferred from its process.
 */
async function attachWithStats(target: RunningTarget): Promise<RunningTarget> {
  const statsUrl = target.url + BUNDLED_STATS_PATH;
  const stats = await fetchServerStats(statsUrl);
  const reported = settingsInStats(stats?.settings);
  const names = Object.keys(reported) as SettingName[];
  if (stats) target.statsUrl = statsUrl;
  if (names.length > 0) target.settings = { ...target.settings, ...(reported as Partial<ServerSettings>) };
  target.knownSettings = { names, source: Object.fromEntries(names.map((n) => [n, 'stats'])) };
  return target;
}

function attachTarget(url: string, pid: number, settings: ServerSettings): RunningTarget {
  if (!Number.isInteger(pid) || pid <= 0) throw new CpdiagError(`--pid must be a process id, got ${pid}`, EXIT.USAGE);
  if (!existsSync(`/proc/${pid}`)) throw new CpdiagError(`no process with pid ${pid}`, EXIT.NO_PROCESS, 'check the pid with `ps -p PID`');
  let gone = false;
  const exited = new Promise<TargetExit>((resolve) => {
    const timer = setInterval(() => {
      if (!existsSync(`/proc/${pid}`)) {
        gone = true;
        clearInterval(timer);
        resolve({ code: null, signal: null, stderrTail: '' });
      }
    }, ATTACHED_POLL_MS);
    timer.unref();
  });
  return {
    kind: 'attached',
    url: url.replace(/\/$/, ''),
    pid,
    settings,
    exited,
    hasExited: () => gone,
    stderrTail: () => '',
    stop: async () => {
      // Attached: not ours to stop.
    },
  };
}
