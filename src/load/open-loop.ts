// Open loop on undici: requests arrive on a schedule (constant or seeded Poisson) whatever the
// server does, and latency is measured from each request's INTENDED send time (as wrk2 does),
// so a stall is charged to every request that should have been sent during it — the
// coordinated-omission trap a closed loop falls into. The latency from the actual send is kept
// beside it (service latency), and the generator's own lateness (send lag, delayed sends) is
// reported so that a slow generator is never mistaken for a slow server.
import { Pool, type Dispatcher } from 'undici';
import { CpdiagError, EXIT } from '../exit-codes.js';
import type { EngineContext, EngineOutcome } from './engine-context.js';
import { MAX_REQUESTS_PER_PHASE } from './engine-context.js';
import { classifyError } from './error-kind.js';
import { createLatencyHistogram, recordLatencyUs } from './histogram.js';
import { createRandom, createWeightedPicker } from './prng.js';
import { createPacer } from './pacer.js';
import { createPreciseTicker, type PreciseTicker } from './precise-ticker.js';

/**
 * Between sends the scheduler sleeps until the next intended time on a precise ticker (a worker
 * thread timing a futex wait, sub-millisecond) instead of Node timers (whole milliseconds) or a
 * setImmediate spin (a core, and pushed back by the kernel scheduler on a shared machine):
 * measurements in docs/load.md.
 */
export const USE_PRECISE_TICKER = true;
/** Default pool size: large enough that a server below capacity never makes a send wait. */
export const DEFAULT_MAX_CONNECTIONS = 256;
/** How often in-flight requests are checked against the client timeout, at most. */
const TIMEOUT_SWEEP_MAX_MS = 50;

interface Pending {
  intendedMs: number;
  mixIndex: number;
}

interface InFlight extends Pending {
  sentMs: number;
  controller: Dispatcher.DispatchController | undefined;
  /** Abort requested (timeout or end of phase), possibly before undici gave us a controller. */
  cancelled: boolean;
  timedOut: boolean;
  /** When the client gave up on it: a timeout's censored age is taken here, not when undici reports the abort. */
  cancelledAtMs?: number;
}

export async function runOpenLoop(ctx: EngineContext): Promise<EngineOutcome> {
  const { plan, url, mix, recorder, now, signal } = ctx;
  const rate = plan.rate_rps ?? 0;
  if (!(rate > 0) || !Number.isFinite(rate)) {
    throw new CpdiagError(`open loop needs rate_rps > 0, got ${plan.rate_rps}`, EXIT.USAGE);
  }
  const maxConnections = plan.max_connections ?? DEFAULT_MAX_CONNECTIONS;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new CpdiagError(`max_connections must be a positive integer, got ${plan.max_connections}`, EXIT.USAGE);
  }
  const pacer = createPacer({ rateRps: rate, arrival: plan.arrival, seed: plan.seed });
  // Separate streams, so that changing the mix does not change the arrival times.
  const pick = createWeightedPicker(mix.map((m) => m.weight), createRandom(plan.seed + 1));

  const pool = new Pool(url.origin, {
    connections: maxConnections,
    pipelining: 1,
    // Backstops only: the client timeout is enforced below, from the actual send.
    headersTimeout: plan.timeout_ms + 1000,
    bodyTimeout: plan.timeout_ms + 1000,
  });

  const lagUs = createLatencyHistogram();
  const inFlight = new Set<InFlight>();
  // FIFO of sends waiting for a connection; head index instead of shift() keeps it O(1).
  const waiting: Pending[] = [];
  let waitingHead = 0;
  let issued = 0;
  let aborted = false;
  let scheduleDone = false;

  const startMs = now();
  let nextIntendedMs = startMs + pacer();
  let tickTimer: NodeJS.Timeout | undefined;
  let tickImmediate: NodeJS.Immediate | undefined;
  let resolveDrained: (() => void) | undefined;
  const drained = new Promise<void>((r) => (resolveDrained = r));

  const checkDrained = (): void => {
    if ((scheduleDone || aborted) && inFlight.size === 0 && waitingHead >= waiting.length) resolveDrained?.();
  };

  const send = (p: Pending): void => {
    const sentMs = now();
    const recorded = recorder.isRecorded(p.intendedMs);
    if (recorded) {
      recordLatencyUs(lagUs, (sentMs - p.intendedMs) * 1000);
      recorder.noteActualSend();
    }
    const entry: InFlight = { ...p, sentMs, controller: undefined, cancelled: false, timedOut: false };
    inFlight.add(entry);
    const m = mix[p.mixIndex]!;
    let status = 0;
    const settle = (err: Error | undefined): void => {
      if (!inFlight.delete(entry)) return;
      const doneMs = now();
      if (recorded && !aborted) {
        if (err === undefined) {
          recorder.recordResponse(doneMs, status, (doneMs - p.intendedMs) * 1000, p.mixIndex, (doneMs - sentMs) * 1000);
        } else if (entry.timedOut) {
          // Censored: it took longer than the age it had reached when the client gave up on it
          // (from the intended and from the actual send).
          const gaveUpMs = entry.cancelledAtMs ?? doneMs;
          recorder.recordError(doneMs, 'timeout', p.mixIndex, (gaveUpMs - p.intendedMs) * 1000, (gaveUpMs - sentMs) * 1000);
        } else {
          recorder.recordError(doneMs, classifyError(err), p.mixIndex);
        }
      } else if (!aborted && err === undefined) {
        // A warm-up request answered inside the window: work the server did in it (throughput only).
        recorder.recordCarriedIn(doneMs, status);
      }
      if (!aborted && waitingHead < waiting.length) {
        const next = waiting[waitingHead]!;
        waiting[waitingHead++] = undefined as unknown as Pending;
        send(next);
      }
      if (waitingHead > 1024 && waitingHead * 2 > waiting.length) {
        waiting.splice(0, waitingHead);
        waitingHead = 0;
      }
      checkDrained();
    };
    // The dispatch handler API (no promise, no body stream per request) keeps the generator's
    // own cost per request low; the body is consumed chunk by chunk and discarded.
    pool.dispatch(
      { origin: url.origin, path: m.path, method: m.method as 'GET', headers: m.headers, body: m.body ?? null },
      {
        onRequestStart(controller) {
          entry.controller = controller;
          if (entry.cancelled) controller.abort(new Error('cancelled'));
        },
        onResponseStart(_controller, statusCode) {
          status = statusCode;
        },
        onResponseData() {
          // discard
        },
        onResponseEnd() {
          settle(undefined);
        },
        onResponseError(_controller, err) {
          settle(err);
        },
      },
    );
  };

  /** Aborts one in-flight request (timeout or end); safe before undici has started it. */
  const cancel = (entry: InFlight, timedOut: boolean): void => {
    if (entry.cancelled) return;
    entry.cancelled = true;
    entry.timedOut = timedOut;
    entry.cancelledAtMs = now();
    entry.controller?.abort(new Error(timedOut ? 'client timeout' : 'cancelled'));
  };

  const issue = (intendedMs: number): void => {
    const p: Pending = { intendedMs, mixIndex: pick() };
    if (recorder.isRecorded(intendedMs)) recorder.noteIntendedSend(intendedMs);
    if (inFlight.size < maxConnections && waitingHead >= waiting.length) {
      send(p);
    } else {
      // Like k6's dropped iterations: the generator, not the server, held this one back.
      if (recorder.isRecorded(intendedMs)) recorder.noteDelayedSend(now());
      waiting.push(p);
    }
  };

  // The ticker may deliver a wake-up that a later re-arming made stale: tick() is idempotent.
  let ticker: PreciseTicker | undefined;
  try {
    ticker = USE_PRECISE_TICKER ? createPreciseTicker(() => tick()) : undefined;
  } catch {
    ticker = undefined; // no worker threads: whole-millisecond timers still work
  }

  const tick = (): void => {
    tickTimer = undefined;
    tickImmediate = undefined;
    if (aborted) return;
    const t = now();
    // Catch up: every request whose intended time has passed goes now, each keeping its own
    // intended time, so a late tick costs latency (measured) instead of fewer requests.
    while (nextIntendedMs <= t && nextIntendedMs < ctx.recordEndMs && issued < MAX_REQUESTS_PER_PHASE) {
      issue(nextIntendedMs);
      issued++;
      nextIntendedMs = startMs + pacer();
    }
    if (nextIntendedMs >= ctx.recordEndMs || issued >= MAX_REQUESTS_PER_PHASE) {
      scheduleDone = true;
      checkDrained();
      return;
    }
    const delay = nextIntendedMs - now();
    if (delay <= 0) tickImmediate = setImmediate(tick);
    else if (ticker) ticker.wakeIn(delay);
    else tickTimer = setTimeout(tick, delay);
  };

  const timeoutSweep = setInterval(() => {
    const t = now();
    for (const entry of inFlight) {
      if (!entry.cancelled && t - entry.sentMs >= plan.timeout_ms) cancel(entry, true);
    }
  }, Math.max(1, Math.min(TIMEOUT_SWEEP_MAX_MS, plan.timeout_ms / 10)));

  let abortedAtMs: number | undefined;
  const onAbort = (): void => {
    if (aborted) return;
    aborted = true;
    abortedAtMs = now();
    if (tickTimer) clearTimeout(tickTimer);
    if (tickImmediate) clearImmediate(tickImmediate);
    ticker?.disarm();
    waiting.length = 0;
    waitingHead = 0;
    for (const entry of inFlight) cancel(entry, false);
    // Nothing more is recorded after an abort: do not wait for undici to report each one.
    inFlight.clear();
    checkDrained();
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });

  // Sends still waiting for a connection when the drain deadline passes were offered but
  // never served within the client timeout: they are timeouts from the user's side.
  const drainDeadline = setTimeout(
    () => {
      const t = now();
      for (let i = waitingHead; i < waiting.length; i++) {
        const p = waiting[i]!;
        // Never sent: censored at its age from the intended send; no service time to bound.
        if (recorder.isRecorded(p.intendedMs)) recorder.recordError(t, 'timeout', p.mixIndex, (t - p.intendedMs) * 1000);
      }
      waiting.length = 0;
      waitingHead = 0;
      // Record the stragglers now rather than trust every late callback to arrive.
      for (const entry of inFlight) {
        cancel(entry, true);
        if (recorder.isRecorded(entry.intendedMs)) recorder.recordError(t, 'timeout', entry.mixIndex, (t - entry.intendedMs) * 1000, (t - entry.sentMs) * 1000);
      }
      inFlight.clear();
      checkDrained();
    },
    Math.max(0, ctx.recordEndMs - startMs) + plan.timeout_ms + 100,
  );

  try {
    // Inside the try: a synchronous failure must still stop the ticker thread and the timers.
    tick();
    await drained;
  } finally {
    clearTimeout(drainDeadline);
    clearInterval(timeoutSweep);
    if (tickTimer) clearTimeout(tickTimer);
    if (tickImmediate) clearImmediate(tickImmediate);
    signal?.removeEventListener('abort', onAbort);
    await ticker?.close().catch(() => undefined);
    await pool.destroy().catch(() => undefined);
  }
  const endMs = aborted ? Math.min(abortedAtMs ?? now(), ctx.recordEndMs) : ctx.recordEndMs;
  return {
    recordedS: Math.max(0, (endMs - recorder.recordStartMs) / 1000),
    interrupted: aborted,
    sendLagP99Ms: lagUs.totalCount > 0 ? Math.round(lagUs.getValueAtPercentile(99)) / 1000 : 0,
  };
}
