// A server that is already running (`--url URL --pid PID`): nothing is spawned and nothing is
// killed; cpdiag loads the URL and samples the pid. Refused before anything starts if the URL is
// not loopback or the pid is not a live process.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { CpdiagError, EXIT } from '../../exit-codes.js';
import { assertLoopback } from '../../load/loopback.js';
import { defineTargetKind } from '../target-kind.js';
import { resolveStatsUrl, statsUrlSchema } from '../stats-url-schema.js';
import type { RunningTarget, TargetExit } from '../target.js';
import type { ServerSettings, SettingName } from '../../config/settings.js';
import { fetchServerStats } from '../../probe/server-stats.js';
import { settingsInStats } from '../known-settings.js';
import { BUNDLED_STATS_PATH } from './bundled.js';

const ATTACHED_POLL_MS = 500;

function parsePid(text: string): number {
  const pid = Number(text);
  if (text.trim() === '' || !Number.isInteger(pid) || pid < 1) throw new Error(`expected a process id (a whole number from 1), got "${text}"`);
  return pid;
}

export const attachedKind = defineTargetKind({
  name: 'attached',
  schema: z.object({ kind: z.literal('attached'), url: z.string().url(), pid: z.number().int().positive(), stats_url: statsUrlSchema.optional() }).strict(),
  describe: (spec) => `attached pid ${spec.pid} at ${spec.url}`,
  reportLabel: () => 'an attached process',
  restartable: false,
  flags: [
    { flags: '--url <url>', description: 'attach to a server that is already running (with --pid): nothing is spawned or killed' },
    { flags: '--pid <pid>', description: 'with --url: the server process to sample', parse: parsePid },
  ],
  fromFlags: (opts) => {
    if (opts.url === undefined && opts.pid === undefined) return undefined;
    if (opts.url === undefined || opts.pid === undefined) throw new CpdiagError('attaching needs both --url and --pid', EXIT.USAGE, 'e.g. --url http://127.0.0.1:8080 --pid 1234');
    return { kind: 'attached' as const, url: String(opts.url), pid: Number(opts.pid) };
  },
  start: async (spec, { settings }) => attachWithStats(attach(spec.url, spec.pid, settings), spec.stats_url ? resolveStatsUrl(spec.url, spec.stats_url) : undefined),
});

/**
 * An attached server tells what it can: its stats page (the one given with --stats-url, else the
 * bundled server's, if it answers) is read during the run, and the settings it reports are facts;
 * anything else is unknown until inferred from its process.
 */
async function attachWithStats(target: RunningTarget, givenStatsUrl: string | undefined): Promise<RunningTarget> {
  const statsUrl = givenStatsUrl ?? target.url + BUNDLED_STATS_PATH;
  const stats = await fetchServerStats(statsUrl);
  if (stats || givenStatsUrl) target.statsUrl = statsUrl;
  const reported = settingsInStats(stats?.settings);
  const names = Object.keys(reported) as SettingName[];
  if (names.length > 0) target.settings = { ...target.settings, ...(reported as Partial<ServerSettings>) };
  target.knownSettings = { names, source: Object.fromEntries(names.map((n) => [n, 'stats'])) };
  return target;
}

function attach(url: string, pid: number, settings: RunningTarget['settings']): RunningTarget {
  // Before anything samples or loads: a refused URL must not leave a sampler running.
  assertLoopback(url);
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
