// One measured run: start the target (and a proxy in front when asked), drive the load, sample
// the process, and return the run record — saved through `progress` as it grows, so that Ctrl-C
// or a crash leaves a readable record; its files are the output stage's. Every exit path stops
// what it started.
import { captureEnvironment } from '../environment.js';
import { resolveSettings, type ServerSettings } from '../config/settings.js';
import { CPDIAG_VERSION } from '../version.js';
import { startTarget } from '../target/start-target.js';
import type { TargetSpec } from '../target/target.js';
import { startNginxProxy } from '../proxy/nginx.js';
import { diagnose } from '../diagnose/diagnose.js';
import { findingsFromRun } from './findings-from-run.js';
import type { Scenario } from '../scenario/schema.js';
import type { SeriesWindow } from '../load/load-result.js';
import type { ProbeSample } from '../probe/probe-sample.js';
import { RUN_SCHEMA, type RunRecord } from './run-record.js';
import type { TargetInfo } from '../target/target-info.js';
import type { DocumentSink } from '../document-sink.js';
import { measurePhase } from './measure-phase.js';
import { planFromScenario } from './plan-from-scenario.js';

export interface ExecuteRunOptions {
  scenario: Scenario;
  /** Settings that override the scenario's (sweeps, flags). */
  settingsOverride?: Partial<ServerSettings>;
  /** Where the record is saved as it grows (the output stage's run.json); none: nothing is written. */
  progress?: DocumentSink<RunRecord>;
  signal?: AbortSignal;
  onWindow?: (w: SeriesWindow, record: RunRecord) => void;
  onSample?: (s: ProbeSample) => void;
  /** Skip the diagnosis (gate runs do not need it). */
  diagnose?: boolean;
}

export interface RunOutcome {
  record: RunRecord;
  targetDied: boolean;
}

export async function executeRun(opts: ExecuteRunOptions): Promise<RunOutcome> {
  const { scenario } = opts;
  const settings = resolveSettings(scenario.settings, opts.settingsOverride ?? {});
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const target = await startTarget(scenario.target as TargetSpec, settings, opts.signal);
    cleanups.unshift(() => target.stop());
    const targetInfo: TargetInfo = { kind: target.kind, url: target.url, pid: target.pid, command: target.command };

    let loadUrl = target.url;
    let proxy: Awaited<ReturnType<typeof startNginxProxy>> | undefined;
    if (scenario.proxy) {
      proxy = await startNginxProxy({
        upstreamUrl: target.url,
        readTimeoutS: scenario.proxy.read_timeout_s,
        sendTimeoutS: scenario.proxy.send_timeout_s,
        connectTimeoutS: scenario.proxy.connect_timeout_s,
        keepalive: scenario.proxy.keepalive,
        buffering: scenario.proxy.buffering,
        clientMaxBodySize: scenario.proxy.client_max_body_size,
      });
      cleanups.unshift(() => proxy!.stop());
      loadUrl = proxy.url;
      targetInfo.proxy = { kind: 'nginx', url: proxy.url, read_timeout_s: scenario.proxy.read_timeout_s };
    }

    const plan = planFromScenario(scenario, loadUrl);
    const record: RunRecord = {
      schema: RUN_SCHEMA,
      cpdiag_version: CPDIAG_VERSION,
      started_at: new Date().toISOString(),
      complete: false,
      environment: captureEnvironment(),
      scenario: scenario.name ?? 'scenario',
      settings: target.settings,
      ...(target.knownSettings ? { settings_known: target.knownSettings.names, settings_source: target.knownSettings.source } : {}),
      target: targetInfo,
      load: plan,
      series: [],
      probes: [],
      events: [],
      slo: scenario.slo,
    };
    const writer = opts.progress;
    writer?.update(record, true);

    const phase = await measurePhase(target, plan, {
      probeIntervalMs: scenario.probes.interval_ms,
      // The bundled server's stats, also when attached to one (found at attach time).
      stats: scenario.probes.stats && target.statsUrl !== undefined,
      signal: opts.signal,
      onWindow: (w) => {
        record.series.push(w);
        writer?.update(record);
        opts.onWindow?.(w, record);
      },
      onSample: (s) => {
        record.probes.push({ ...s, t_s: s.t_s - plan.warmup_s });
        opts.onSample?.(s);
      },
    });
    if (proxy) {
      const log = await proxy.readErrorLog();
      Object.assign(targetInfo.proxy!, {
        keepalive: scenario.proxy!.keepalive,
        upstream_timeouts: log.upstream_timeouts,
        premature_closes: log.premature_closes,
        upstream_resets: log.upstream_resets,
        error_log_excerpt: log.lines.slice(-20),
      });
    }
    fillRecord(record, phase);
    inferPoolSize(record);
    if (opts.diagnose !== false) record.diagnosis = diagnose(findingsFromRun(record));
    // A target that died ended the run with a finding; only Ctrl-C leaves it incomplete.
    record.complete = phase.targetDied || !opts.signal?.aborted;
    record.finished_at = new Date().toISOString();
    return { record, targetDied: phase.targetDied };
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
}

function fillRecord(record: RunRecord, phase: Awaited<ReturnType<typeof measurePhase>>): void {
  const load = phase.load;
  record.series = load.series;
  record.probes = phase.probes;
  record.histograms = load.histograms;
  record.by_request = load.by_request;
  record.slow_clients = load.slow_clients;
  record.generator = load.generator;
  record.events.push(...phase.events);
  if (phase.listen) record.listen_overflows = phase.listen;
  if (load.connections) record.connections = load.connections;
  record.summary = {
    duration_s: load.duration_s,
    requests: load.requests,
    throughput_rps: load.throughput_rps,
    goodput_rps: load.goodput_rps,
    offered_rps: load.plan.mode === 'open' ? load.plan.rate_rps : undefined,
    latency_ms: load.latency_ms,
    service_latency_ms: load.service_latency_ms,
    errors: load.errors,
  };
}


/**
 * A pool size nobody gave (a command without {thread_pool}, an attached process): the workers
 * seen in /proc during the run (their median count), recorded as inferred.
 */
function inferPoolSize(record: RunRecord): void {
  if (!record.settings_known || record.settings_known.includes('thread_pool')) return;
  const totals = record.probes.filter((p) => p.t_s >= 0 && p.workers && p.workers.total > 0).map((p) => p.workers!.total).sort((a, b) => a - b);
  if (totals.length === 0) return;
  record.settings = { ...record.settings, thread_pool: totals[Math.floor((totals.length - 1) / 2)] };
  record.settings_known = [...record.settings_known, 'thread_pool'];
  record.settings_source = { ...record.settings_source, thread_pool: 'inferred' };
}
