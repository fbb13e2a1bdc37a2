// Closed loop on autocannon 9: N connections, each sends its next request when the last one is
// answered. autocannon only drives the sockets; every timing is recorded here, in µs, because
// autocannon's own histograms keep whole milliseconds and, with a rate set, its
// coordinated-omission correction invents latencies below the server's minimum (docs/load.md).
// So: no rate option, nothing that enables the correction, and its result object is ignored.
import { Socket } from 'node:net';
import autocannon from 'autocannon';
import { CpdiagError, EXIT } from '../exit-codes.js';
import type { EngineContext, EngineOutcome } from './engine-context.js';
import { MAX_REQUESTS_PER_PHASE } from './engine-context.js';
import { classifyError } from './error-kind.js';
import { createRandom, createWeightedPicker } from './prng.js';

/** Key under which a connection's request context remembers which mix entry is in flight. */
const MIX_KEY = '__cpdiagMixIndex';

/** How often autocannon checks its stop flag (its default, 1 s, would overrun the phase). */
const STOP_CHECK_INTERVAL_MS = 50;

/** Pause before reconnecting after "connection refused" (each refusal is still counted). */
const REFUSED_RETRY_MS = 10;

/** The parts of autocannon's (untyped) internal client that the engine relies on. */
interface AutocannonClientInternals {
  conn?: { on(event: string, fn: (...args: unknown[]) => void): void };
  pipelinedRequests: { size(): number; clear(): void };
  requestIterator?: { context?: Record<string, unknown> };
  _connect: () => void;
  timeout: number;
  destroyed: boolean;
  on(event: string, fn: (...args: any[]) => void): void;
}

function mixIndexOf(client: AutocannonClientInternals): number {
  const i = client.requestIterator?.context?.[MIX_KEY];
  return typeof i === 'number' ? i : 0;
}

export function runClosedLoop(ctx: EngineContext): Promise<EngineOutcome> {
  const { plan, url, mix, recorder, now, signal } = ctx;
  const connections = plan.connections ?? 10;
  if (!Number.isInteger(connections) || connections < 1) {
    throw new CpdiagError(`connections must be a positive integer, got ${plan.connections}`, EXIT.USAGE);
  }

  let handled = 0;
  let stopped = false;
  let interrupted = false;
  const inRecording = (atMs: number): boolean => atMs >= recorder.recordStartMs && atMs <= ctx.recordEndMs;

  // Mix entries are chosen per request from a seeded PRNG; a single entry stays a static
  // request, which autocannon builds once (the fast path).
  const requestOptions: Record<string, unknown> = {};
  if (mix.length === 1) {
    const only = mix[0]!;
    // autocannon takes the path only from the URL or from `requests`, never a top-level option.
    requestOptions.requests = [{ method: only.method, path: only.path, headers: { ...only.headers }, body: only.body }];
  } else {
    const pick = createWeightedPicker(mix.map((m) => m.weight), createRandom(plan.seed));
    requestOptions.requests = [
      {
        setupRequest: (req: Record<string, unknown>, context: Record<string, unknown>) => {
          const i = pick();
          context[MIX_KEY] = i;
          const m = mix[i]!;
          return { ...req, method: m.method, path: m.path, headers: { ...m.headers }, body: m.body };
        },
      },
    ];
  }

  // autocannon reconnects after an error or a server-side close but keeps the lost request in
  // its pending queue, which shifts every later latency on that connection by one request.
  // Wrapping _connect lets us count the loss ('closed' when the server hung up mid-request)
  // and drop the stale entry.
  let clientsSetUp = 0;
  const setupClient = (c: unknown): void => {
    const client = c as AutocannonClientInternals;
    // With plan.connect_spacing_ms, connections open that far apart (load-plan.ts,
    // LADDER_CONNECT_SPACING_MS, says why). autocannon connects in its constructor, right after
    // this: the first client does; each later one gets an unconnected socket to stand in for its
    // connection (what autocannon's destroy reaches for, should the phase stop first) until its turn.
    const delayMs = clientsSetUp++ * (plan.connect_spacing_ms ?? 0);
    let firstCall = delayMs > 0;
    /** Its turn has not come yet (a reconnect after a timeout supersedes the turn). */
    let waitingTurn = false;
    // autocannon's validation refuses timeouts under 1 s, but the client reads this field when
    // it arms its per-request timer (right after setupClient), so sub-second timeouts work.
    client.timeout = plan.timeout_ms;
    let errored = false;
    let refused = false;
    let serverSaidClose = false;
    client.on('headers', (h: { shouldKeepAlive?: boolean }) => {
      serverSaidClose = h.shouldKeepAlive === false;
    });
    client.on('connError', (err: unknown) => {
      const at = now();
      // A write racing a close the server announced is not a failure of the server.
      const announced = serverSaidClose;
      errored = true;
      refused = (err as { code?: string } | undefined)?.code === 'ECONNREFUSED';
      if (announced || !inRecording(at)) return;
      handled++;
      recorder.recordError(at, classifyError(err), mixIndexOf(client));
    });
    client.on('timeout', () => {
      const at = now();
      if (!inRecording(at)) return;
      handled++;
      // Censored: no response within timeout_ms of the send, so it took longer than that.
      recorder.recordError(at, 'timeout', mixIndexOf(client), plan.timeout_ms * 1000);
    });
    const originalConnect = client._connect;
    client._connect = function wrappedConnect(this: AutocannonClientInternals) {
      if (firstCall) {
        firstCall = false;
        waitingTurn = true;
        const self = this;
        self.conn = new Socket() as unknown as AutocannonClientInternals['conn'];
        setTimeout(() => {
          if (!waitingTurn) return;
          waitingTurn = false;
          if (!self.destroyed && !stopped) originalConnect.call(self);
        }, delayMs);
        return;
      }
      waitingTurn = false;
      if (this.pipelinedRequests.size() > 0) {
        const at = now();
        if (!errored && !serverSaidClose && !stopped && inRecording(at)) {
          handled++;
          recorder.recordError(at, 'closed', mixIndexOf(this));
        }
        this.pipelinedRequests.clear();
      }
      errored = false;
      serverSaidClose = false;
      if (refused) {
        // autocannon reconnects at once; against a dead target that is a busy loop on one core.
        refused = false;
        const self = this;
        setTimeout(() => {
          if (!self.destroyed) originalConnect.call(self);
        }, REFUSED_RETRY_MS);
        return;
      }
      originalConnect.call(this);
    };
  };

  const served = new Set<unknown>();
  return new Promise<EngineOutcome>((resolve, reject) => {
    const startMs = now();
    const totalS = Math.max(0.001, (ctx.recordEndMs - startMs) / 1000);
    let instance: autocannon.Instance | undefined;
    const finish = (): void => {
      clearTimeout(endTimer);
      signal?.removeEventListener('abort', onAbort);
      const endMs = stopAtMs ?? Math.min(now(), ctx.recordEndMs);
      resolve({ recordedS: Math.max(0, (endMs - recorder.recordStartMs) / 1000), interrupted, connectionsServed: served.size });
    };
    let stopAtMs: number | undefined;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      stopAtMs = Math.min(now(), ctx.recordEndMs);
      instance?.stop();
    };
    const onAbort = (): void => {
      interrupted = true;
      stop();
    };
    const endTimer = setTimeout(stop, Math.max(0, ctx.recordEndMs - startMs));
    try {
      instance = autocannon(
        {
          url: url.origin,
          connections,
          pipelining: 1,
          // A backstop only: the end timer above stops the phase on time.
          duration: totalS + 1,
          timeout: Math.max(1, Math.ceil(plan.timeout_ms / 1000)),
          sampleInt: STOP_CHECK_INTERVAL_MS,
          setupClient,
          ...requestOptions,
        } as unknown as autocannon.Options,
        (err: unknown) => {
          if (err) {
            clearTimeout(endTimer);
            signal?.removeEventListener('abort', onAbort);
            reject(new CpdiagError(`load generator failed to start: ${(err as Error).message}`, EXIT.SOFTWARE));
            return;
          }
          finish();
        },
      );
    } catch (err) {
      clearTimeout(endTimer);
      reject(new CpdiagError(`load generator failed to start: ${(err as Error).message}`, EXIT.SOFTWARE));
      return;
    }
    instance!.on('response', (client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
      // Warm-up included: a connection that never got an answer is concurrency that never arrived
      // (a full listen backlog drops handshakes; the client waits in SYN retries).
      served.add(client);
      const at = now();
      const sentMs = at - responseTimeMs;
      if (stopped || at > ctx.recordEndMs) return;
      if (sentMs < recorder.recordStartMs) {
        // Sent during the warm-up, answered inside the window: throughput only, no latency.
        recorder.recordCarriedIn(at, statusCode);
        return;
      }
      recorder.recordResponse(at, statusCode, responseTimeMs * 1000, mixIndexOf(client as AutocannonClientInternals));
      if (++handled >= MAX_REQUESTS_PER_PHASE) stop();
    });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
