// One measured run: start the target (and a proxy in front when asked), drive the load, sample
// the process, and return the run record — saved through `progress` as it grows, so that Ctrl-C
// or a crash leaves a readable record; its files are the output stage's. Every exit path stops
// what it started.
import { captureEnvironment } from '../environment.js';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { resolveSettings, type ServerSettings } from '../config/settings.js';
import { CPDIAG_VERSION } from '../version.js';
import { startTarget } from '../target/start-target.js';
import { pickFreePort, startNginxProxy } from '../proxy/nginx.js';
import { checkForwarded } from '../proxy/check-forwarded.js';
import { startApacheProxy, type ApacheProxy } from '../proxy/apache.js';
import { APACHE_DEFAULT_SERVER_LIMIT, APACHE_DEFAULT_THREADS_PER_CHILD, NGINX_DEFAULT_WORKER_CONNECTIONS, apacheConcurrencyLimit, nginxConcurrencyLimit } from '../proxy/proxy-limits.js';
import { diagnose } from '../diagnose/diagnose.js';
import { findingsFromRun } from './findings-from-run.js';
import type { Scenario } from '../scenario/schema.js';
import type { SeriesWindow } from '../load/load-result.js';
import type { ProbeSample } from '../probe/probe-sample.js';
import { meanCores, openMachineCpuWindow } from '../probe/machine-cpu-window.js';
import { RUN_SCHEMA, type RunRecord } from './run-record.js';
import type { TargetInfo } from '../target/target-info.js';
import { hasStatsPage } from '../target/target.js';
import type { DocumentSink } from '../document-sink.js';
import { measurePhase } from './measure-phase.js';
import { measureProxyCosts, type ProxyFront } from './measure-proxy-cost.js';
import { measureStaticOffload } from './measure-static-offload.js';
import { planFromScenario } from './plan-from-scenario.js';
import { processTreeFindings } from './process-tree-findings.js';
import { summarizeBalancer } from './summarize-balancer.js';

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
    if (scenario.faults?.some((f) => f.kill_target) && scenario.target.kind === 'attached') {
      throw new CpdiagError('faults: kill_target needs a target cpdiag starts (bundled or command), not an attached process', EXIT.USAGE);
    }
    const target = await startTarget(scenario.target, settings, opts.signal);
    cleanups.unshift(() => target.stop());
    const targetInfo: TargetInfo = { kind: target.kind, url: target.url, pid: target.pid, command: target.command };

    let loadUrl = target.url;
    // backend_down: the proxy's backend is a loopback port nobody listens on (the app not running).
    const upstreamUrl = scenario.proxy?.backend_down ? `http://127.0.0.1:${await pickClosedPort()}` : target.url;
    // static_prefix: the proxy serves the mix's paths under it from files it holds.
    const staticFiles = scenario.proxy?.static_prefix ? { prefix: scenario.proxy.static_prefix, paths: scenario.mix.map((m) => m.path) } : undefined;
    let proxy: Awaited<ReturnType<typeof startNginxProxy>> | undefined;
    let apache: ApacheProxy | undefined;
    if (scenario.proxy?.kind === 'apache') {
      const p = scenario.proxy;
      apache = await startApacheProxy({
        upstreamUrl,
        ...(staticFiles ? { staticFiles } : {}),
        style: p.apache_style,
        escapeFix: p.apache_escape_fix,
        noEscape: p.apache_rewrite_ne,
        timeoutS: p.read_timeout_s,
        keepalive: p.keepalive,
        threadsPerChild: p.apache_threads_per_child,
        serverLimit: p.apache_server_limit,
      });
      cleanups.unshift(() => apache!.stop());
      loadUrl = apache.url;
      const threadsPerChild = p.apache_threads_per_child ?? APACHE_DEFAULT_THREADS_PER_CHILD;
      const serverLimit = p.apache_server_limit ?? APACHE_DEFAULT_SERVER_LIMIT;
      const limit = apacheConcurrencyLimit(threadsPerChild, serverLimit);
      targetInfo.proxy = {
        kind: 'apache', url: apache.url, read_timeout_s: p.read_timeout_s,
        apache_style: p.apache_style ?? 'rewrite', apache_escape_fix: p.apache_escape_fix ?? false,
        apache_rewrite_ne: p.apache_rewrite_ne ?? false, apache_version: apache.version,
        apache_threads_per_child: threadsPerChild, apache_server_limit: serverLimit,
        concurrency_limit: limit.requests, concurrency_limit_setting: limit.setting,
      };
    } else if (scenario.proxy) {
      proxy = await startNginxProxy({
        upstreamUrl,
        ...(staticFiles ? { staticFiles } : {}),
        readTimeoutS: scenario.proxy.read_timeout_s,
        sendTimeoutS: scenario.proxy.send_timeout_s,
        connectTimeoutS: scenario.proxy.connect_timeout_s,
        keepalive: scenario.proxy.keepalive,
        buffering: scenario.proxy.buffering,
        clientMaxBodySize: scenario.proxy.client_max_body_size,
        workerConnections: scenario.proxy.nginx_worker_connections,
      });
      cleanups.unshift(() => proxy!.stop());
      loadUrl = proxy.url;
      const workerConnections = scenario.proxy.nginx_worker_connections ?? NGINX_DEFAULT_WORKER_CONNECTIONS;
      const limit = nginxConcurrencyLimit(workerConnections);
      targetInfo.proxy = {
        kind: 'nginx', url: proxy.url, read_timeout_s: scenario.proxy.read_timeout_s,
        nginx_worker_connections: workerConnections, concurrency_limit: limit.requests, concurrency_limit_setting: limit.setting,
      };
    }

    if (scenario.proxy?.check_forwarded && targetInfo.proxy) {
      const forwarded = await checkForwarded(loadUrl);
      if (forwarded) targetInfo.proxy.forwarded = forwarded;
    }

    if (staticFiles) targetInfo.proxy!.static_prefix = staticFiles.prefix;
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

    // --compare-direct: what the proxy costs, measured before the run (on the warm target). A backend
    // that is down on purpose has nothing to compare.
    const compare = scenario.proxy?.compare_direct;
    if (compare && !scenario.proxy?.backend_down && (proxy || apache)) {
      const front: ProxyFront = apache
        ? { kind: 'apache', label: `Apache ${apache.version} ${apacheFrontText(scenario.proxy!)}`, url: apache.url, pid: apache.pid }
        : { kind: 'nginx', label: 'nginx', url: proxy!.url, pid: proxy!.pid };
      const [cost] = await measureProxyCosts({ scenario, directUrl: target.url, proxies: [front], rounds: compare.rounds, roundS: compare.round_s, signal: opts.signal });
      if (cost && !opts.signal?.aborted) record.proxy_cost = cost;
      writer?.update(record, true);
    }

    // Behind a balancer, --compare-direct: what the balancer adds to one request at a time, straight
    // to its first process against through it (more connections would compare one process with N).
    const lbCompare = scenario.target.kind === 'balanced' ? scenario.target.compare_direct : undefined;
    if (lbCompare && target.backends && target.balancer) {
      const oneAtATime: Scenario = { ...scenario, load: { ...scenario.load, mode: 'closed', connections: 1 } };
      const name = target.balancer.kind === 'haproxy' ? 'HAProxy' : 'nginx';
      const [cost] = await measureProxyCosts({
        scenario: oneAtATime, directUrl: target.backends[0].url,
        proxies: [{ kind: target.balancer.kind === 'haproxy' ? 'haproxy' : 'nginx', label: `${name} over ${target.backends.length} processes`, url: target.url, pid: target.pid }],
        rounds: lbCompare.rounds, roundS: lbCompare.round_s, signal: opts.signal,
      });
      if (cost && !opts.signal?.aborted) record.proxy_cost = cost;
      writer?.update(record, true);
    }

    // static_prefix: what the static location moves off the backend, against a second proxy of
    // the same kind without it, in alternating rounds before the run.
    if (staticFiles && !scenario.proxy?.backend_down) {
      if (target.statsUrl === undefined) {
        record.events.push({ t_s: 0, kind: 'note', message: "static offload not measured: the target has no stats page (--stats-url) to count the backend's requests" });
      } else {
        const offload = await measureOffloadAgainstPlainProxy(scenario, upstreamUrl, target.statsUrl, loadUrl, opts.signal);
        if (offload && !opts.signal?.aborted) record.static_offload = offload;
      }
      writer?.update(record, true);
    }

    const kill = scenario.faults?.find((f) => f.kill_target);
    // Behind a balancer: its own CPU over the phase (its cost per response).
    const balancerCpuBefore = target.balancer?.cpuSeconds();
    // Whose CPU was it: a fault shows as it would in production only when the target had its CPU.
    const machine = openMachineCpuWindow();
    const phaseStartMs = performance.now();
    const phase = await measurePhase(target, plan, {
      probeIntervalMs: scenario.probes.interval_ms,
      killTargetAtS: kill?.at_s,
      // A proxy answers for a killed target; a balancer for the killed process behind it.
      measureAfterKill: Boolean(proxy || apache || target.backends),
      // The bundled server's stats page, or the one given with --stats-url (statsUrl is unset otherwise).
      stats: scenario.probes.stats && hasStatsPage(target),
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
    const machineCpu = machine.close(meanCores(phase.probes));
    if (machineCpu) record.machine_cpu = machineCpu;
    if (proxy) {
      const log = await proxy.readErrorLog();
      const access = await proxy.readAccessLog();
      Object.assign(targetInfo.proxy!, {
        keepalive: scenario.proxy!.keepalive,
        upstream_timeouts: log.upstream_timeouts,
        premature_closes: log.premature_closes,
        upstream_resets: log.upstream_resets,
        connection_refused: log.upstream_refused,
        limit_reached: log.worker_connections_exhausted,
        status_counts: access.by_status,
        relayed_5xx: access.relayed_5xx,
        own_5xx: access.own_5xx,
        paths_5xx: access.paths_5xx,
        error_log_excerpt: log.lines.slice(-20),
      });
    }
    if (apache) {
      // Stopped first so that every access-log line is flushed; stop() is idempotent for the cleanup.
      await apache.stop();
      const { error, access } = await apache.readLogs();
      Object.assign(targetInfo.proxy!, {
        keepalive: scenario.proxy!.keepalive,
        upstream_timeouts: error.backend_timeouts,
        upstream_resets: error.backend_resets,
        connection_refused: error.connection_refused,
        unescaped_refused: error.unescaped_refused,
        status_counts: access.by_status,
        paths_rejected: access.paths_rejected,
        escaped_rejected: access.escaped_rejected,
        limit_reached: error.max_workers_reached,
        relayed_5xx: access.relayed_5xx,
        paths_5xx: access.paths_5xx,
        error_log_excerpt: error.lines.slice(-20),
      });
    }
    const balancerCpuS = balancerCpuBefore !== undefined ? target.balancer!.cpuSeconds() - balancerCpuBefore : undefined;
    const phaseWallS = (performance.now() - phaseStartMs) / 1000;
    fillRecord(record, phase);
    if (target.backends && target.balancer) {
      targetInfo.balancer = summarizeBalancer({
        kind: target.balancer.kind,
        backends: target.backends.map((b) => ({ url: b.url, pid: b.pid })),
        requestsPerBackend: processTreeFindings(record.probes.filter((p) => p.t_s >= 0)).requests_per_process,
        ...(balancerCpuS !== undefined ? { cpuS: balancerCpuS } : {}),
        wallS: phaseWallS,
        throughputRps: phase.load.throughput_rps,
        series: phase.load.series,
        events: phase.events,
      });
    }
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
  if (load.overload) record.summary.overload = load.overload;
}


/** Rounds a side of the static-offload comparison (compare_direct's when given). */
const STATIC_ROUNDS = 3;
const STATIC_ROUND_S = 1;

/** A second proxy like the scenario's, without the static location, for the comparison; stopped after. */
async function measureOffloadAgainstPlainProxy(scenario: Scenario, upstreamUrl: string, statsUrl: string, withStaticUrl: string, signal?: AbortSignal) {
  const p = scenario.proxy!;
  const plain = p.kind === 'apache'
    ? await startApacheProxy({ upstreamUrl, style: p.apache_style, escapeFix: p.apache_escape_fix, noEscape: p.apache_rewrite_ne, timeoutS: p.read_timeout_s, keepalive: p.keepalive, threadsPerChild: p.apache_threads_per_child, serverLimit: p.apache_server_limit })
    : await startNginxProxy({ upstreamUrl, readTimeoutS: p.read_timeout_s, sendTimeoutS: p.send_timeout_s, connectTimeoutS: p.connect_timeout_s, keepalive: p.keepalive, buffering: p.buffering, clientMaxBodySize: p.client_max_body_size, workerConnections: p.nginx_worker_connections });
  try {
    return await measureStaticOffload({
      scenario, proxy: p.kind, prefix: p.static_prefix!, statsUrl, withStaticUrl, withoutStaticUrl: plain.url,
      rounds: p.compare_direct?.rounds ?? STATIC_ROUNDS, roundS: p.compare_direct?.round_s ?? STATIC_ROUND_S, signal,
    });
  } finally {
    await plain.stop();
  }
}

/** How the Apache front forwards: RewriteRule [P] (with the escape map), [P,NE], or ProxyPass. */
function apacheFrontText(p: NonNullable<Scenario['proxy']>): string {
  if (p.apache_style === 'proxypass') return 'ProxyPass';
  return `RewriteRule ${p.apache_rewrite_ne ? '[P,NE]' : '[P]'}${p.apache_escape_fix ? ' with the escape map' : ''}`;
}

/** A loopback port that was free a moment ago and is closed now: connects to it are refused. */
async function pickClosedPort(): Promise<number> {
  return pickFreePort();
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
