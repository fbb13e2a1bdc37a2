// What run-load hands to an engine (closed or open loop): the plan, the parsed target, the mix,
// the recorder, the clock and the abort signal. Engines own no global state.
import type { LoadPlan } from './load-plan.js';
import type { LoadRecorder } from './recorder.js';
import type { MixEntry } from './mix.js';

export interface EngineContext {
  plan: LoadPlan;
  url: URL;
  mix: MixEntry[];
  recorder: LoadRecorder;
  /** Milliseconds, monotonic (performance.now by default). */
  now: () => number;
  /** Recording ends here (caller's clock): recordStartMs + duration. */
  recordEndMs: number;
  signal?: AbortSignal;
}

/** What an engine reports back when it has stopped. */
export interface EngineOutcome {
  /** Seconds actually recorded (less than planned when interrupted or capped). */
  recordedS: number;
  interrupted: boolean;
  /** Open loop: p99 of actual send − intended send, ms. */
  sendLagP99Ms?: number;
  /** Closed loop: connections that got at least one response (the concurrency that arrived). */
  connectionsServed?: number;
}

/**
 * A hard cap on requests per phase, whatever the duration: a runaway loop (a refused port
 * reconnecting as fast as the kernel answers) must stop by itself. 20 M is far above what one
 * Node process can send in the longest phase cpdiag plans.
 */
export const MAX_REQUESTS_PER_PHASE = 20_000_000;
