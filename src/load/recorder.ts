// The recorder: accumulates every response and error of one load phase into HDR histograms
// (the whole run, each time window, each mix entry) and turns them into a LoadResult.
// It holds no clock and no sockets: callers pass times in, so it can be tested alone and is
// shared by the closed-loop and the open-loop engines.
import type { ErrorKind } from './error-kind.js';
import type { LoadPlan } from './load-plan.js';
import type { LoadResult, SeriesWindow } from './load-result.js';
import { createLatencyHistogram, encodeHistogram, recordLatencyUs, summarizeHistogramMs, type LatencyHistogram } from './histogram.js';
import { isSuccessStatus, httpErrorKind } from './error-kind.js';
import { roundTo } from '../numbers.js';

type ErrorCounts = Partial<Record<ErrorKind, number>>;

interface WindowAccumulator {
  index: number;
  requests: number;
  hist: LatencyHistogram;
  errors: ErrorCounts;
  offered: number;
  delayed: number;
}

interface MixAccumulator {
  name: string;
  requests: number;
  errors: number;
  hist: LatencyHistogram;
}

export interface RecorderOptions {
  /** Time (ms, caller's clock) at which recording starts: the end of the warm-up. */
  recordStartMs: number;
  durationS: number;
  windowMs: number;
  mixNames: string[];
  /** Open loop: keep a second histogram from the actual send, and offered/delayed counts. */
  openLoop: boolean;
  onWindow?: (w: SeriesWindow) => void;
}

function bump(counts: ErrorCounts, kind: ErrorKind, by = 1): void {
  counts[kind] = (counts[kind] ?? 0) + by;
}

function sumCounts(counts: ErrorCounts): number {
  let n = 0;
  for (const v of Object.values(counts)) n += v ?? 0;
  return n;
}

export class LoadRecorder {
  readonly recordStartMs: number;
  private readonly windowMs: number;
  private readonly lastWindowIndex: number;
  private readonly openLoop: boolean;
  private readonly onWindow?: (w: SeriesWindow) => void;

  private readonly latency = createLatencyHistogram();
  private readonly service: LatencyHistogram | undefined;
  private readonly errors: ErrorCounts = {};
  private readonly mix: MixAccumulator[];
  private responses = 0;
  private successes = 0;
  private transportErrors = 0;
  private delayedSends = 0;
  private intendedSends = 0;
  private actualSends = 0;

  /** Windows not yet emitted, by index; all indices below nextEmit have been emitted. */
  private readonly pending = new Map<number, WindowAccumulator>();
  private nextEmit = 0;
  readonly series: SeriesWindow[] = [];

  constructor(opts: RecorderOptions) {
    this.recordStartMs = opts.recordStartMs;
    this.windowMs = opts.windowMs;
    this.lastWindowIndex = Math.max(0, Math.ceil((opts.durationS * 1000) / opts.windowMs) - 1);
    this.openLoop = opts.openLoop;
    this.onWindow = opts.onWindow;
    this.service = opts.openLoop ? createLatencyHistogram() : undefined;
    // by_request is reported for real mixes only; a single entry would duplicate the run.
    this.mix = opts.mixNames.length > 1 ? opts.mixNames.map((name) => ({ name, requests: 0, errors: 0, hist: createLatencyHistogram() })) : [];
  }

  /** True when a request sent (or intended) at this time belongs to the recording, not the warm-up. */
  isRecorded(sentMs: number): boolean {
    return sentMs >= this.recordStartMs;
  }

  /** The window most recently touched: almost every event lands in it (the hot path). */
  private lastWindow: WindowAccumulator | undefined;

  private windowAt(atMs: number): WindowAccumulator {
    let index = Math.floor((atMs - this.recordStartMs) / this.windowMs);
    const cached = this.lastWindow;
    if (cached !== undefined && cached.index === index && index >= this.nextEmit) return cached;
    // Responses that arrive after the end (open-loop drain) belong to the last window; a window
    // already emitted is never reopened, so late events land in the oldest pending one.
    if (index > this.lastWindowIndex) index = this.lastWindowIndex;
    if (index < this.nextEmit) index = this.nextEmit;
    let w = this.pending.get(index);
    if (!w) {
      w = { index, requests: 0, hist: createLatencyHistogram(), errors: {}, offered: 0, delayed: 0 };
      this.pending.set(index, w);
    }
    this.lastWindow = w;
    return w;
  }

  /**
   * One complete response. latencyUs is what the report calls latency (open loop: from the
   * intended send); serviceUs (open loop) is from the actual send.
   */
  recordResponse(atMs: number, status: number, latencyUs: number, mixIndex: number, serviceUs?: number): void {
    this.responses++;
    recordLatencyUs(this.latency, latencyUs);
    if (this.service && serviceUs !== undefined) recordLatencyUs(this.service, serviceUs);
    const w = this.windowAt(atMs);
    w.requests++;
    recordLatencyUs(w.hist, latencyUs);
    const m = this.mix[mixIndex];
    if (m) {
      m.requests++;
      recordLatencyUs(m.hist, latencyUs);
    }
    if (isSuccessStatus(status)) {
      this.successes++;
    } else {
      const kind = httpErrorKind(status);
      bump(this.errors, kind);
      bump(w.errors, kind);
      if (m) m.errors++;
    }
  }

  /** A request that got no response (refused, reset, closed, timeout, other). */
  recordError(atMs: number, kind: ErrorKind, mixIndex: number): void {
    this.transportErrors++;
    bump(this.errors, kind);
    bump(this.windowAt(atMs).errors, kind);
    const m = this.mix[mixIndex];
    if (m) m.errors++;
  }

  /** Open loop: a request was due at this time (offered load per window). */
  noteIntendedSend(intendedMs: number): void {
    this.intendedSends++;
    this.windowAt(intendedMs).offered++;
  }

  /** Open loop: a send had to wait for a free connection. */
  noteDelayedSend(atMs: number): void {
    this.delayedSends++;
    this.windowAt(atMs).delayed++;
  }

  get completed(): number {
    return this.responses;
  }

  get attempted(): number {
    return this.responses + this.transportErrors;
  }

  /** Emits every window that ended at or before nowMs (but keeps the last one for finish). */
  flush(nowMs: number): void {
    const through = Math.min(Math.floor((nowMs - this.recordStartMs) / this.windowMs) - 1, this.lastWindowIndex - 1);
    while (this.nextEmit <= through) this.emit(this.nextEmit, this.windowMs);
  }

  private emit(index: number, durationMs: number): void {
    const w = this.pending.get(index);
    this.pending.delete(index);
    this.nextEmit = index + 1;
    const durationS = durationMs / 1000;
    const window: SeriesWindow = {
      t_s: (index * this.windowMs) / 1000,
      duration_s: durationS,
      requests: w?.requests ?? 0,
      throughput_rps: durationS > 0 ? (w?.requests ?? 0) / durationS : 0,
      latency_ms: w ? summarizeHistogramMs(w.hist) : summarizeHistogramMs(createLatencyHistogram()),
      errors: w ? { ...w.errors } : {},
    };
    if (this.openLoop) {
      window.offered_rps = durationS > 0 ? (w?.offered ?? 0) / durationS : 0;
      window.delayed_sends = w?.delayed ?? 0;
    }
    this.series.push(window);
    this.onWindow?.(window);
  }

  /**
   * Emits the remaining windows up to endMs (the last one possibly partial) and builds the result.
   * recordedS is how long the recording really lasted (less than planned when interrupted).
   */
  finish(args: {
    plan: LoadPlan;
    startedAt: string;
    recordedS: number;
    interrupted: boolean;
    sendLagP99Ms?: number;
    slowClients?: LoadResult['slow_clients'];
  }): LoadResult {
    const { plan, recordedS } = args;
    const recordedMs = Math.max(0, recordedS * 1000);
    const lastIndex = Math.min(this.lastWindowIndex, Math.max(0, Math.ceil(recordedMs / this.windowMs) - 1));
    for (let i = this.nextEmit; i <= lastIndex; i++) {
      const endMs = Math.min((i + 1) * this.windowMs, recordedMs);
      const dur = i === lastIndex ? Math.max(endMs - i * this.windowMs, 0) : this.windowMs;
      if (recordedMs <= 0 && !this.pending.has(i)) break;
      this.emit(i, dur);
    }
    const errorsTotal = sumCounts(this.errors);
    const attempted = this.attempted;
    const result: LoadResult = {
      plan,
      started_at: args.startedAt,
      duration_s: roundTo(recordedS),
      requests: this.responses,
      throughput_rps: recordedS > 0 ? roundTo(this.responses / recordedS) : 0,
      goodput_rps: recordedS > 0 ? roundTo(this.successes / recordedS) : 0,
      latency_ms: summarizeHistogramMs(this.latency),
      histograms: { latency_us: encodeHistogram(this.latency) },
      errors: { total: errorsTotal, rate: attempted > 0 ? errorsTotal / attempted : 0, by_kind: { ...this.errors } },
      series: this.series,
      interrupted: args.interrupted,
    };
    if (this.service) {
      result.service_latency_ms = summarizeHistogramMs(this.service);
      result.histograms.service_us = encodeHistogram(this.service);
      result.generator = {
        delayed_sends: this.delayedSends,
        send_lag_p99_ms: args.sendLagP99Ms ?? 0,
        achieved_rate_rps: recordedS > 0 ? roundTo(this.actualSends / recordedS) : 0,
      };
    }
    if (this.mix.length > 0) {
      const byRequest: NonNullable<LoadResult['by_request']> = {};
      for (const m of this.mix) {
        byRequest[m.name] = { requests: m.requests, latency_ms: summarizeHistogramMs(m.hist), errors: m.errors };
      }
      result.by_request = byRequest;
    }
    if (args.slowClients) result.slow_clients = args.slowClients;
    return result;
  }

  /** Open loop: a request was really sent (achieved rate = these over the recording). */
  noteActualSend(): void {
    this.actualSends++;
  }

  /** The histogram of the whole run (read-only use: e.g. tests). */
  get latencyHistogram(): LatencyHistogram {
    return this.latency;
  }
}
