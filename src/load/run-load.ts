// The load engine's one entry point: validate a LoadPlan, run its closed- or open-loop phase
// (with warm-up and any slow clients beside it), stream time windows as they close, and resolve
// with a LoadResult — a partial one, marked interrupted, when the signal aborts.
import { performance } from 'node:perf_hooks';
import type { LoadPlan } from './load-plan.js';
import type { LoadResult, SeriesWindow } from './load-result.js';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { assertLoopback } from './loopback.js';
import { buildMix } from './mix.js';
import { LoadRecorder } from './recorder.js';
import { runSlowClients, type SlowClientOutcome } from './slow-clients.js';
import type { EngineContext, EngineOutcome } from './engine-context.js';

export { assertLoopback } from './loopback.js';

export interface RunLoadOptions {
  signal?: AbortSignal;
  /** Called as each time window closes (progress, live charts). */
  onWindow?: (w: SeriesWindow) => void;
  /** Monotonic clock in ms; performance.now by default. */
  now?: () => number;
}

/** Default width of one series window. */
export const DEFAULT_WINDOW_MS = 1000;
/** Longest phase the engine accepts: one day; anything longer is a typo. */
export const MAX_DURATION_S = 86_400;

function requirePositive(name: string, value: number | undefined, allowZero = false): void {
  if (value === undefined || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new CpdiagError(`load plan: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${value}`, EXIT.USAGE);
  }
}

/** Checks a plan before any socket opens; returns the parsed target URL. */
export function validateLoadPlan(plan: LoadPlan): URL {
  const url = assertLoopback(plan.url);
  if (plan.mode !== 'closed' && plan.mode !== 'open') {
    throw new CpdiagError(`load plan: mode must be "closed" or "open", got ${JSON.stringify(plan.mode)}`, EXIT.USAGE);
  }
  requirePositive('duration_s', plan.duration_s);
  requirePositive('warmup_s', plan.warmup_s, true);
  if (plan.connect_spacing_ms !== undefined) requirePositive('connect_spacing_ms', plan.connect_spacing_ms, true);
  if (plan.duration_s + plan.warmup_s > MAX_DURATION_S) {
    throw new CpdiagError(`load plan: duration_s + warmup_s must be at most ${MAX_DURATION_S} s`, EXIT.USAGE);
  }
  requirePositive('timeout_ms', plan.timeout_ms);
  // window_ms 0 (or absent in hand-written plans) means the default.
  if (plan.window_ms !== undefined && plan.window_ms !== 0) requirePositive('window_ms', plan.window_ms);
  if (plan.mode === 'open') requirePositive('rate_rps', plan.rate_rps);
  for (const [name, value] of [['connections', plan.connections], ['max_connections', plan.max_connections]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new CpdiagError(`load plan: ${name} must be a positive integer, got ${value}`, EXIT.USAGE);
    }
  }
  if (plan.arrival !== undefined && plan.arrival !== 'constant' && plan.arrival !== 'poisson') {
    throw new CpdiagError(`load plan: arrival must be "constant" or "poisson", got ${JSON.stringify(plan.arrival)}`, EXIT.USAGE);
  }
  for (const g of plan.slow_clients ?? []) {
    if (!Number.isInteger(g.count) || g.count < 0) {
      throw new CpdiagError(`load plan: slow_clients count must be a non-negative integer, got ${g.count}`, EXIT.USAGE);
    }
    for (const key of ['upload_bytes_per_s', 'read_bytes_per_s', 'idle_hold_s'] as const) {
      if (g.spec[key] !== undefined) requirePositive(`slow_clients ${key}`, g.spec[key]);
    }
  }
  return url;
}

/**
 * The engine of a mode, loaded on first use: autocannon and undici are a third of the CLI's
 * start-up, which every refused flag and every --help would otherwise pay. Callers that start
 * clocks of their own before runLoad (probes) load it first, so that no load time goes missing.
 */
export async function loadEngine(mode: LoadPlan['mode']): Promise<(ctx: EngineContext) => Promise<EngineOutcome>> {
  return mode === 'closed' ? (await import('./closed-loop.js')).runClosedLoop : (await import('./open-loop.js')).runOpenLoop;
}

export async function runLoad(plan: LoadPlan, opts: RunLoadOptions = {}): Promise<LoadResult> {
  const url = validateLoadPlan(plan);
  const mix = buildMix(plan.mix ?? []);
  // Loaded before the phase's clock starts: loading takes ~0.1 s that must not count as load time.
  const engine = await loadEngine(plan.mode);
  const now = opts.now ?? (() => performance.now());
  const windowMs = plan.window_ms !== undefined && plan.window_ms > 0 ? plan.window_ms : DEFAULT_WINDOW_MS;
  const startedAt = new Date().toISOString();
  const startMs = now();
  const recordStartMs = startMs + plan.warmup_s * 1000;
  const recordEndMs = recordStartMs + plan.duration_s * 1000;
  const recorder = new LoadRecorder({
    recordStartMs,
    durationS: plan.duration_s,
    windowMs,
    mixNames: mix.map((m) => m.name),
    openLoop: plan.mode === 'open',
    onWindow: opts.onWindow,
  });

  // Slow clients stop with the phase, on abort, or when the main load fails.
  const slowStop = new AbortController();
  const onAbort = (): void => slowStop.abort();
  if (opts.signal?.aborted) slowStop.abort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  const slowGroups = (plan.slow_clients ?? []).filter((g) => g.count > 0);
  const slowDone: Promise<SlowClientOutcome | undefined> =
    slowGroups.length > 0 ? runSlowClients(url, slowGroups, recordEndMs, now, slowStop.signal) : Promise.resolve(undefined);

  const flushTimer = setInterval(() => recorder.flush(now()), Math.max(10, Math.min(windowMs / 4, 250)));
  let outcome: EngineOutcome;
  try {
    const ctx = { plan, url, mix, recorder, now, recordEndMs, signal: opts.signal };
    outcome = await engine(ctx);
  } catch (err) {
    slowStop.abort();
    await slowDone.catch(() => undefined);
    throw err;
  } finally {
    clearInterval(flushTimer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (outcome.interrupted) slowStop.abort();
  const slowClients = await slowDone;
  const result = recorder.finish({
    plan,
    startedAt,
    recordedS: outcome.recordedS,
    interrupted: outcome.interrupted,
    sendLagP99Ms: outcome.sendLagP99Ms,
    slowClients,
  });
  if (plan.mode === 'closed' && outcome.connectionsServed !== undefined) {
    result.connections = { requested: plan.connections ?? 0, served: outcome.connectionsServed };
  }
  return result;
}
