// The server's own view of its pool, from three JSON shapes:
//   - the bundled server's GET /_cpdiag/stats: threads.{total,busy,idle}, queue.{depth}, requests.{...}
//   - cheroot's statistics dict: "Threads", "Threads Idle", "Queue", "Work Time", "Socket Errors"
//   - CherryPy's /cpstats/data: the cheroot dict nested under a "Cheroot HTTPServer <id>" key, and
//     (with tools.cpstats.on) the application's "CherryPy Applications" counters.
//     CherryPy serves that page from its own pool, so the worker answering it is counted busy in
//     the figures it reports: that one is taken off (busy − 1, idle + 1), as the bundled server's
//     stats come from its acceptor and count only requests; with requests waiting in the queue,
//     the pool counts as all busy (the page took the worker one of them would have had).
// Per-worker work time (seconds each worker spent on requests) comes from the bundled server's
// workers[] and cheroot's "Worker Threads", when present.
// Requests served come from the bundled server's own count, or CherryPy's "CherryPy Applications"
// "Total Requests" (counted once per request by the cpstats tool). cheroot's "Requests" is not
// used: cheroot.workers.threadpool.WorkerThread adds `conn.requests_seen` after each request, and
// that count is cumulative over a kept-alive connection, so a connection serving n requests adds
// n(n+1)/2 (cheroot 9/10, server.py HTTPConnection.communicate and threadpool.py WorkerThread.run).
// A failed or slow fetch is a missing sample (undefined), never an exception: the probes must
// keep running when the server is too busy to answer its stats page (which is when it matters).
import type { ServerStatsSample } from './probe-sample.js';
import { getOnce } from './get-once.js';

export const SERVER_STATS_TIMEOUT_MS = 1000;

type Json = Record<string, unknown>;

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

/** Cumulative work seconds per worker, or undefined when the shape has none. */
function workTimes(list: unknown[]): number[] | undefined {
  const times = list.map((w) => num(obj(w)?.work_time_s) ?? num(obj(w)?.['Work Time']));
  return times.length > 0 && times.every((t) => t !== undefined) ? (times as number[]) : undefined;
}

/** cheroot's "Worker Threads" dict ("CP Server Thread-10": {...}) in thread-name order (numeric-aware). */
function cherootWorkers(j: Json): unknown[] {
  const workers = obj(j['Worker Threads']);
  if (!workers) return [];
  return Object.keys(workers).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).map((k) => workers[k]);
}

function withWorkTimes(sample: ServerStatsSample, list: unknown[]): ServerStatsSample {
  const times = workTimes(list);
  return times ? { ...sample, worker_work_time_s: times } : sample;
}

function fromBundled(j: Json): ServerStatsSample | undefined {
  const threads = obj(j.threads);
  if (!threads || num(threads.total) === undefined) return undefined;
  const total = num(threads.total)!;
  const busy = num(threads.busy) ?? (num(threads.idle) !== undefined ? total - num(threads.idle)! : 0);
  const queue = obj(j.queue);
  const requests = obj(j.requests);
  const errorsObj = obj(j.errors);
  const out: ServerStatsSample = withWorkTimes({
    threads: total,
    busy,
    idle: num(threads.idle) ?? total - busy,
    queue: num(queue?.depth) ?? num(j.queue) ?? 0,
    requests: num(requests?.total) ?? num(requests?.completed) ?? num(requests?.count) ?? num(j.requests),
    errors: num(requests?.errors) ?? num(requests?.errored) ?? num(errorsObj?.total) ?? num(j.errors) ?? 0,
  }, Array.isArray(j.workers) ? j.workers : []);
  const bad = num(requests?.bad_request_400);
  if (bad !== undefined) out.bad_request_400 = bad;
  const errored = num(requests?.errored);
  if (errored !== undefined) out.server_errors_5xx = errored;
  const accepted = num(obj(j.connections)?.accepted);
  if (accepted !== undefined) out.connections_accepted = accepted;
  if (Array.isArray(j.processes) && j.processes.length > 1) {
    const perProcess = j.processes.map((p) => num(obj(p)?.requests_completed));
    if (perProcess.every((n) => n !== undefined)) out.requests_by_process = perProcess as number[];
  }
  const settings = obj(j.settings);
  if (settings) out.settings = settings;
  const workTime = num(obj(j.cheroot)?.['Work Time']);
  if (workTime !== undefined) out.work_time_s = workTime;
  if (Array.isArray(j.workers)) {
    const states: Record<string, number> = {};
    for (const w of j.workers) {
      const st = obj(w)?.state;
      if (typeof st === 'string') states[st] = (states[st] ?? 0) + 1;
    }
    if (Object.keys(states).length > 0) out.worker_states = states;
  }
  return out;
}

function fromCheroot(j: Json): ServerStatsSample | undefined {
  const threads = num(j['Threads']);
  if (threads === undefined) return undefined;
  const idle = num(j['Threads Idle']) ?? 0;
  const out: ServerStatsSample = withWorkTimes({
    threads,
    busy: Math.max(0, threads - idle),
    idle,
    queue: num(j['Queue']) ?? 0,
    errors: num(j['Socket Errors']) ?? 0,
  }, cherootWorkers(j));
  const accepts = num(j['Accepts']);
  if (accepts !== undefined && accepts >= 0) out.connections_accepted = accepts;
  // -1 when statistics are off (server.statistics False).
  const workTime = num(j['Work Time']);
  if (workTime !== undefined && workTime >= 0) out.work_time_s = workTime;
  return out;
}

/** CherryPy's application counters (cpstats tool): requests counted once each. */
function applicationRequests(j: Json): number | undefined {
  const apps = obj(j['CherryPy Applications']);
  if (!apps || apps['Enabled'] === false) return undefined;
  return num(apps['Total Requests']);
}

/** Pure: turns any of the supported JSON documents into a ServerStatsSample, or undefined. */
export function normalizeServerStats(doc: unknown): ServerStatsSample | undefined {
  const j = obj(doc);
  if (!j) return undefined;
  const bundled = fromBundled(j);
  if (bundled) return bundled;
  const direct = fromCheroot(j);
  if (direct) return direct;
  // The bundled server also mirrors cheroot's keys under "cheroot".
  const mirrored = obj(j.cheroot);
  if (mirrored) {
    const m = fromCheroot(mirrored);
    if (m) return m;
  }
  // CherryPy cpstats: one entry per cheroot server; sum them (usually one).
  const servers = Object.entries(j).filter(([k]) => k.startsWith('Cheroot HTTPServer')).map(([, v]) => obj(v)).filter((v): v is Json => !!v);
  const samples = servers.map(fromCheroot).filter((s): s is ServerStatsSample => !!s);
  if (samples.length === 0) return undefined;
  const sum = samples.reduce((a, b) => {
    const times = a.worker_work_time_s && b.worker_work_time_s ? [...a.worker_work_time_s, ...b.worker_work_time_s] : undefined;
    const out: ServerStatsSample = {
      threads: a.threads + b.threads, busy: a.busy + b.busy, idle: a.idle + b.idle,
      queue: a.queue + b.queue, errors: a.errors + b.errors,
      ...(times ? { worker_work_time_s: times } : {}),
    };
    if (a.work_time_s !== undefined && b.work_time_s !== undefined) out.work_time_s = a.work_time_s + b.work_time_s;
    return out;
  });
  const requests = applicationRequests(j);
  if (requests !== undefined) sum.requests = requests;
  // The worker serving this very page is not load (see the top of this file). And a page served
  // while requests wait in the queue means every worker was taken: ours displaced a waiting
  // request, so the pool counts as all busy (else "all busy" could never be seen: the page is
  // only answered once a worker is free).
  if (sum.queue > 0) return { ...sum, busy: sum.threads, idle: 0 };
  return sum.busy > 0 ? { ...sum, busy: sum.busy - 1, idle: sum.idle + 1 } : sum;
}

/** Fetches and normalises a stats URL (loopback only, like all of cpdiag's traffic), on a connection of its own. */
export async function fetchServerStats(url: string, timeoutMs = SERVER_STATS_TIMEOUT_MS): Promise<ServerStatsSample | undefined> {
  const res = await getOnce(url, timeoutMs, { accept: 'application/json' });
  if (!res || res.status < 200 || res.status >= 300) return undefined;
  try {
    return normalizeServerStats(JSON.parse(res.body));
  } catch {
    return undefined;
  }
}

/** Refuses a stats URL that does not point at loopback. Returns an error message or undefined. */
export function checkLoopbackUrl(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `not a URL: "${url}"`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `expected an http(s) URL, got "${url}"`;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  return loopback ? undefined : `cpdiag only talks to loopback (127.0.0.0/8, ::1); "${u.hostname}" is not`;
}

/**
 * The stats of several servers behind one balancer as one sample: the pools summed, and each
 * server's own request count (its own processes' counts, when it has several) in
 * requests_by_process, in the order given. Undefined when any of them has no answer or no
 * request count: a spread needs every process. Pure.
 */
export function mergeServerStats(samples: readonly (ServerStatsSample | undefined)[]): ServerStatsSample | undefined {
  if (samples.length === 0 || samples.some((s) => s === undefined || s.requests === undefined)) return undefined;
  const all = samples as ServerStatsSample[];
  const sum = (pick: (s: ServerStatsSample) => number) => all.reduce((a, s) => a + pick(s), 0);
  return {
    threads: sum((s) => s.threads),
    busy: sum((s) => s.busy),
    idle: sum((s) => s.idle),
    queue: sum((s) => s.queue),
    errors: sum((s) => s.errors),
    requests: sum((s) => s.requests!),
    requests_by_process: all.flatMap((s) => s.requests_by_process ?? [s.requests!]),
  };
}

/** Fetches several stats URLs at once (each on its own connection) and merges them (mergeServerStats). */
export async function fetchMergedServerStats(urls: readonly string[], timeoutMs = SERVER_STATS_TIMEOUT_MS): Promise<ServerStatsSample | undefined> {
  return mergeServerStats(await Promise.all(urls.map((u) => fetchServerStats(u, timeoutMs))));
}
