// The live figures of `cpdiag inspect --watch` as metric families, for a scrape: the current
// sample's threads, workers, fds, sockets, listen queue, memory and CPU, the server's own
// statistics when --stats is given, and the drift slopes over the samples so far.
import { estimateDrift, type DriftEstimate } from '../analysis/drift.js';
import type { InspectSample } from '../inspect/inspect-sample.js';
import type { ActivityKind } from '../probe/thread-activity.js';
import { CLOCK_TICKS_PER_S } from '../probe/parse-stat.js';
import type { ServerStatsSample, TcpState } from '../probe/probe-sample.js';
import { FamilyBuilder } from './metric-catalogue.js';
import type { MetricFamily } from './openmetrics.js';

const ACTIVITIES: readonly ActivityKind[] = ['running', 'io', 'poll', 'lock', 'sleep', 'disk', 'stopped', 'zombie', 'other'];
/** Always exported (0 when absent), so that a series does not vanish when its count drops to 0. */
export const TCP_STATES: readonly TcpState[] = ['ESTABLISHED', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSING', 'LISTEN'];

export interface InspectMetricsInput {
  pid: number;
  /** The samples so far, oldest first; the last one is reported. */
  samples: readonly InspectSample[];
  /** The pool's worker threads recognised so far (inspect's recognizeWorkers). */
  workerTids?: ReadonlySet<number>;
  /** The server's latest statistics (they may arrive a sample late). */
  server?: ServerStatsSample;
  /** Drift over the samples, when the caller has it (else it is estimated here). */
  drift?: Partial<Record<DriftEstimate['metric'], DriftEstimate>>;
}

/**
 * A scrape re-estimates drift, so it works on at most this many samples spread evenly over the
 * window: Theil–Sen's cost grows with the square of the count (2400 samples: ~1.8 s of CPU for the
 * three resources; 300: a few ms), and an even spread keeps the slope over the whole window.
 */
export const DRIFT_SCRAPE_SAMPLES = 300;

function thinEvenly<T>(items: readonly T[], max: number): readonly T[] {
  if (items.length <= max) return items;
  return Array.from({ length: max }, (_, i) => items[Math.round((i * (items.length - 1)) / (max - 1))]);
}

/** Drift of RSS, fds and threads over the samples (Theil–Sen, as `cpdiag inspect` reports it). */
export function estimateInspectDrift(all: readonly InspectSample[]): Partial<Record<DriftEstimate['metric'], DriftEstimate>> {
  const samples = thinEvenly(all, DRIFT_SCRAPE_SAMPLES);
  const times = samples.map((s) => s.t_s);
  const out: Partial<Record<DriftEstimate['metric'], DriftEstimate>> = {};
  out.rss_bytes = estimateDrift('rss_bytes', times, samples.map((s) => s.process.status.vmRssBytes));
  if (samples.every((s) => s.process.fdsReadable)) out.fds = estimateDrift('fds', times, samples.map((s) => s.process.fds));
  out.threads = estimateDrift('threads', times, samples.map((s) => s.threads.length));
  return out;
}

export function metricsFromInspect(input: InspectMetricsInput): MetricFamily[] {
  const b = new FamilyBuilder();
  const last = input.samples.at(-1);
  if (!last) return b.build();
  const prev = input.samples.at(-2);
  const pid = { pid: String(input.pid) };
  const p = last.process;

  b.add('rss', pid, p.status.vmRssBytes);
  const ticks = p.stat.utimeTicks + p.stat.stimeTicks;
  b.add('cpuSeconds', pid, ticks / CLOCK_TICKS_PER_S);
  if (prev && last.t_s > prev.t_s) {
    const prevTicks = prev.process.stat.utimeTicks + prev.process.stat.stimeTicks;
    b.add('cpuRatio', pid, Math.max(0, ticks - prevTicks) / CLOCK_TICKS_PER_S / (last.t_s - prev.t_s));
  }
  b.add('threads', pid, last.threads.length);
  for (const [state, n] of Object.entries(last.threadsByState)) b.add('threadsByState', { ...pid, state }, n);
  const byActivity = new Map<ActivityKind, number>(ACTIVITIES.map((a) => [a, 0]));
  for (const t of last.threads) byActivity.set(t.activity.kind, (byActivity.get(t.activity.kind) ?? 0) + 1);
  for (const [activity, n] of byActivity) b.add('threadsByActivity', { ...pid, activity }, n);

  if (input.workerTids && input.workerTids.size > 0) {
    const workers = last.threads.filter((t) => input.workerTids!.has(t.tid));
    // An idle pool thread is parked in an untimed futex wait; anything else is handling a request.
    const busy = workers.filter((t) => !(t.activity.kind === 'lock' && t.activity.futexTimed === false)).length;
    b.add('workers', { ...pid, source: 'threads' }, workers.length);
    b.add('workersBusy', { ...pid, source: 'threads' }, busy);
  }
  const server = input.server ?? last.server;
  if (server) addServerStats(b, pid, server);

  if (p.fdsReadable) {
    b.add('fds', pid, p.fds);
    for (const [type, n] of Object.entries(p.fdsByType)) b.add('fdsByType', { ...pid, type }, n);
  }
  b.add('maxFds', pid, p.fdLimit);
  for (const state of TCP_STATES) b.add('tcp', { ...pid, state }, p.sockets.byState[state] ?? 0);
  b.add('listenQueue', pid, p.sockets.listen.reduce((a, l) => a + l.acceptQueue, 0));
  b.add('contextSwitches', { ...pid, kind: 'voluntary' }, p.status.ctxVoluntary);
  b.add('contextSwitches', { ...pid, kind: 'involuntary' }, p.status.ctxInvoluntary);

  const drift = input.drift ?? estimateInspectDrift(input.samples);
  b.add('driftRss', pid, drift.rss_bytes?.slope_per_s);
  b.add('driftFds', pid, drift.fds?.slope_per_s);
  b.add('driftThreads', pid, drift.threads?.slope_per_s);
  for (const [resource, d] of [['rss', drift.rss_bytes], ['fds', drift.fds], ['threads', drift.threads]] as const) {
    if (d) b.add('drifting', { ...pid, resource }, d.drifting ? 1 : 0);
  }
  return b.build();
}

export function addServerStats(b: FamilyBuilder, labels: Record<string, string>, s: ServerStatsSample, timestampS?: number): void {
  b.add('workers', { ...labels, source: 'stats' }, s.threads, timestampS);
  b.add('workersBusy', { ...labels, source: 'stats' }, s.busy, timestampS);
  b.add('serverQueue', labels, s.queue, timestampS);
  b.add('serverRequests', labels, s.requests, timestampS);
  b.add('serverErrors', labels, s.errors, timestampS);
}
