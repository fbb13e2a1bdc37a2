// inspect, end to end: check the pid, sample it over the window, build the report, the findings
// and the diagnosis. Reads /proc (and runs `ss -ltnH` for the backlog) — never signals, attaches
// to or writes anything of the target.
import { openMachineCpuWindow } from '../probe/machine-cpu-window.js';
import { readChildren, readChildTicks } from './process-children.js';
import { captureEnvironment } from '../environment.js';
import { ProcReader } from '../probe/proc-reader.js';
import { checkLoopbackUrl } from '../probe/server-stats.js';
import { CpdiagError, EXIT } from '../exit-codes.js';
import type { Findings } from '../diagnose/findings.js';
import { CPDIAG_VERSION } from '../version.js';
import { checkInspectable } from './check-target.js';
import { collectSamples, type Collection } from './collect-samples.js';
import { diagnoseInspection } from './diagnosis-hook.js';
import { buildInspectFindings } from './inspect-findings.js';
import { buildInspectReport, type InspectReport } from './inspect-report.js';
import type { InspectSample } from './inspect-sample.js';
import { readListenBacklogs, runProgram, type RunProgram } from './listen-backlog.js';
import { ERROR_LOG_RECENT_S, findProxyInFront, type ProxyInFront } from './proxy-in-front.js';
import { formatCount } from '../format.js';

export const DEFAULT_INSPECT_DURATION_S = 3;
export const DEFAULT_INSPECT_INTERVAL_MS = 250;

export interface InspectOptions {
  pid: number;
  durationS?: number;
  intervalMs?: number;
  statsUrl?: string;
  /** Sample until `signal` aborts (the window is then unbounded). */
  watch?: boolean;
  signal?: AbortSignal;
  onSample?: (s: InspectSample) => void;
  reader?: ProcReader;
  platform?: string;
  run?: RunProgram;
  /** Skip the diagnosis (bench). */
  diagnose?: boolean;
}

export interface InspectResult {
  report: InspectReport;
  findings: Findings;
  collection: Collection;
}

export async function inspectProcess(o: InspectOptions): Promise<InspectResult> {
  const ownReader = o.reader === undefined;
  const reader = o.reader ?? new ProcReader('/proc', { keepHandles: true });
  try {
    return await inspectWith(reader, o);
  } finally {
    if (ownReader) reader.close();
  }
}

async function inspectWith(reader: ProcReader, o: InspectOptions): Promise<InspectResult> {
  const intervalMs = o.intervalMs ?? DEFAULT_INSPECT_INTERVAL_MS;
  const durationS = o.watch ? Infinity : o.durationS ?? DEFAULT_INSPECT_DURATION_S;
  if (!(intervalMs >= 10)) throw new CpdiagError(`--interval must be at least 10ms, got ${intervalMs}ms`, EXIT.USAGE);
  if (!(durationS >= 0)) throw new CpdiagError(`--duration must not be negative`, EXIT.USAGE);
  if (o.statsUrl) {
    const bad = checkLoopbackUrl(o.statsUrl);
    if (bad) throw new CpdiagError(`--stats: ${bad}`, EXIT.USAGE);
  }
  checkInspectable(reader, o.pid, o.platform);
  const startedAt = new Date().toISOString();
  const cmdline = reader.tryRead(o.pid, 'cmdline').text?.split('\0').filter((s) => s !== '') ?? [];
  const uptimeS = reader.uptimeS();
  const backlogs = readListenBacklogs(o.run ?? runProgram);

  // Its own reader, without kept handles: a scan of every /proc/PID must not fill the kept
  // handles the samples rely on.
  const childReader = new ProcReader(reader.root);
  const childTicks = readChildTicks(childReader, o.pid);
  // Whose CPU was it over the window: a process that waited for a CPU may not show its fault.
  const machine = openMachineCpuWindow(reader.root);
  const collection = await collectSamples({
    reader, pid: o.pid, intervalMs, durationS, statsUrl: o.statsUrl, signal: o.signal, onSample: o.onSample,
  });
  if (collection.samples.length === 0) {
    throw new CpdiagError(`pid ${o.pid} exited before its first sample could be read`, EXIT.NO_PROCESS);
  }
  const report = buildInspectReport(collection, {
    pid: o.pid, cmdline, uptimeS, startedAt, environment: captureEnvironment(), cpdiagVersion: CPDIAG_VERSION, intervalMs,
    backlogs, statsUrl: o.statsUrl,
  });
  const machineCpu = machine.close((report.memory.cpu_percent ?? NaN) / 100);
  if (machineCpu) report.machine_cpu = machineCpu;
  const children = readChildren(childReader, o.pid, childTicks);
  childReader.close();
  if (children.length > 0) report.children = children;
  if (o.statsUrl && report.server?.samples === 0) report.notes.push(`no answer from --stats ${o.statsUrl} (a missing figure, not an error)`);
  const last = collection.samples[collection.samples.length - 1];
  let proxy: ProxyInFront | undefined;
  try {
    proxy = findProxyInFront(reader, o.pid, { listenPorts: report.listen.map((l) => l.port), rows: last.process.sockets.rows });
  } catch {
    proxy = undefined;
  }
  if (proxy) {
    report.proxy = proxy;
    report.notes.push(describeProxy(proxy));
  }
  const findings = buildInspectFindings(report, collection.samples, proxy);
  if (o.diagnose !== false) {
    const outcome = await diagnoseInspection(findings);
    report.diagnosis = outcome.diagnosis;
    if (outcome.note) report.notes.push(outcome.note);
  }
  return { report, findings, collection };
}

/** What the proxy in front shows, in a sentence. */
function describeProxy(p: ProxyInFront): string {
  const parts = [`${p.label} is in front of this server (${p.how === 'connections' ? 'it holds connections to its port' : 'its configuration proxies to its port'})`];
  if (p.close_wait_from_proxy > 0) parts.push(`${p.close_wait_from_proxy} CLOSE_WAIT sockets are connections it gave up on while their requests queued here`);
  if (p.error_log) {
    const e = p.error_log;
    parts.push(`its error log ${p.error_log_path} shows, over the last ${ERROR_LOG_RECENT_S / 60} minutes, ${formatCount(e.upstream_timeouts)} upstream timeouts, ${formatCount(e.premature_closes)} premature closes, ${formatCount(e.upstream_resets)} resets, ${formatCount(e.upstream_refused)} refused connects`);
  } else if (p.error_log_path) {
    parts.push(`its error log ${p.error_log_path} could not be read (${p.error_log_unreadable})`);
  }
  return parts.join('; ');
}
