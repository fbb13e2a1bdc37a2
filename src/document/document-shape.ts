// The shape a saved document must have before cpdiag reasons over it again. A run.json whose
// series or probes are garbage was diagnosed as healthy (the detectors saw no numbers, so no
// symptom); now every field the diagnosis reads is checked — numbers finite, counts and times not
// negative — and the first problem is named by its path ("series.3.latency_ms.p99: …"), exit 2.
// Extra fields are allowed (a newer cpdiag may add some).
import { z, type ZodError } from 'zod';
import { CpdiagError, EXIT } from '../exit-codes.js';

/** A measured quantity: finite and not negative (latencies, counts, rates, bytes, seconds). */
const amount = z.number().finite().nonnegative();
/** A signed finite number (drift slopes, intervals). */
const signed = z.number().finite();

const latency = z
  .object({ min: amount, mean: amount, p50: amount, p90: amount, p95: amount, p99: amount, p999: amount, max: amount })
  .passthrough();

const countsByKind = z.record(amount);

const errorCounts = z.object({ total: amount, rate: amount.max(1), by_kind: countsByKind }).passthrough();

const window = z
  .object({ t_s: signed, duration_s: amount, requests: amount, throughput_rps: amount, offered_rps: amount.optional(), latency_ms: latency, errors: countsByKind })
  .passthrough();

const serverStats = z.object({ threads: amount, busy: amount, idle: amount, queue: amount, requests: amount, errors: amount, worker_work_time_s: z.array(amount).optional() }).passthrough();

const probe = z
  .object({
    t_s: signed,
    pid: amount,
    cpu_percent: amount,
    rss_bytes: amount,
    threads: amount,
    threads_by_state: countsByKind.optional(),
    fds: amount,
    fds_by_type: countsByKind.optional(),
    fd_limit: amount,
    ctx_voluntary: amount,
    ctx_involuntary: amount,
    tcp_by_state: countsByKind.optional(),
    listen_queue: amount.optional(),
    server: serverStats.optional(),
  })
  .passthrough();

const runEvent = z.object({ t_s: signed, kind: z.string(), message: z.string() }).passthrough();

const requestSpec = z.object({ method: z.string(), path: z.string(), body: z.string().optional(), body_bytes: amount.optional() }).passthrough();

export const runDocumentShape = z
  .object({
    schema: z.literal('cpdiag.run/1'),
    complete: z.boolean(),
    settings: z.record(z.union([z.number().finite(), z.string(), z.boolean()])),
    target: z.object({ kind: z.string(), pid: amount.optional() }).passthrough(),
    load: z.object({ mix: z.array(requestSpec).optional(), slow_clients: z.array(z.object({ request: requestSpec }).passthrough()).optional() }).passthrough(),
    environment: z.object({ cores: amount.optional() }).passthrough().optional(),
    summary: z
      .object({ duration_s: amount, requests: amount, throughput_rps: amount, goodput_rps: amount, offered_rps: amount.optional(), latency_ms: latency, service_latency_ms: latency.optional(), errors: errorCounts })
      .passthrough()
      .optional(),
    series: z.array(window),
    probes: z.array(probe),
    events: z.array(runEvent),
    slow_clients: z.object({ attempted: amount, failed: amount, by_kind: countsByKind }).passthrough().optional(),
  })
  .passthrough();

// Inspect writes NaN (too few samples) as null.
const drift = z.object({ metric: z.string(), slope_per_s: signed.nullable(), samples: amount.optional() }).passthrough();

/** The findings a sweep or inspect document carries (every field optional, as in Findings). */
export const findingsShape = z
  .object({
    source: z.enum(['run', 'sweep', 'inspect']),
    duration_s: amount.optional(),
    offered_rps: amount.optional(),
    throughput_rps: amount.optional(),
    requests: amount.optional(),
    latency_ms: latency.optional(),
    latency_floor_ms: amount.optional(),
    errors: errorCounts.optional(),
    max_request_body_bytes: amount.optional(),
    mean_response_bytes: amount.optional(),
    cpu_percent_mean: amount.optional(),
    cores: amount.optional(),
    ctx_involuntary_per_s: amount.optional(),
    ctx_voluntary_per_s: amount.optional(),
    ctx_per_request: amount.optional(),
    saturation: z.record(z.unknown()).optional(),
    drift: z.record(drift).optional(),
    fds: z.object({ count: amount, limit: amount, close_wait: amount }).passthrough().optional(),
    threads_by_activity: countsByKind.optional(),
    worker_threads: countsByKind.optional(),
    pool_scaling: z.object({ values: z.array(signed), capacity_rps: z.array(amount), p99_ms: z.array(amount) }).passthrough().optional(),
    service_time_ms: amount.optional(),
    cpu_time_per_request_ms: amount.optional(),
    bad_request_count: amount.optional(),
    threads: amount.optional(),
    rss_bytes: amount.optional(),
    events: z.array(runEvent).optional(),
  })
  .passthrough();

/** The first problem of a failed parse: "series.3.latency_ms.p99: expected a number, got string". */
export function describeShapeError(error: ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.length ? issue.path.join('.') : '(top level)';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length === 2 ? '' : 's'})` : '';
  return `${path}: ${issue.message}${more}`;
}

/** `data` checked against `shape`, or a one-line refusal naming the file and the field (exit 2). */
export function checkShape<T>(shape: z.ZodType<T, z.ZodTypeDef, unknown>, data: unknown, fileName: string, what: string): T {
  const result = shape.safeParse(data);
  if (!result.success) throw new CpdiagError(`${fileName}: malformed ${what}: ${describeShapeError(result.error)}`, EXIT.USAGE);
  return result.data;
}
