// The recorder: accumulates every response and error of one load phase into HDR histograms
// (the whole run, each time window, each mix entry) and turns them into a LoadResult.
// It holds no clock and no sockets: callers pass times in, so it can be tested alone and is
// shared by the closed-loop and the open-loop engines.
//
// Two ledgers, on purpose (issue 11: an overloaded server read as serving the offered rate):
// - throughput counts responses COMPLETED INSIDE the window [recordStart, recordStart + duration],
//   whichever request they answer (also one sent during the warm-up), divided by the window;
// - latency, errors and the overload accounting follow the requests DUE inside the window, to the
//   end: a response that arrives during the open loop's drain is counted as completed_late (and its
//   latency recorded), a timeout enters the latency distribution censored at its age.
import type { ErrorKind } from './error-kind.js';
import type { LoadPlan } from './load-plan.js';
import type { LoadResult, OverloadAccounting, SeriesWindow } from './load-result.js';
import { emptyLatencySummary, encodeHistogram, type LatencyHistogram } from './histogram.js';
import { LatencyAccumulator } from './censored-latency.js';
import { isSuccessStatus, httpErrorKind } from './error-kind.js';
import { roundTo } from '../numbers.js';

type ErrorCounts = Partial<Record<ErrorKind, number>>;

interface WindowAccumulator {
  index: number;
  requests: number;
  latency: LatencyAccumulator;
  errors: ErrorCounts;
  offered: number;
  delayed: number;
}

interface MixAccumulator {
  name: string;
  requests: number;
  errors: number;
  latency: LatencyAccumulator;
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

  private readonly recordEndMs: number;
  private readonly latency = new LatencyAccumulator();
  private readonly service: LatencyAccumulator | undefined;
  private readonly errors: ErrorCounts = {};
  private readonly mix: MixAccumulator[];
  // Throughput ledger: responses completed inside the window.
  private completedInWindow = 0;
  private successesInWindow = 0;
  private carriedIn = 0;
  // Due ledger: requests due inside the window, followed to the end.
  private dueResponses = 0;
  private dueLate = 0;
  private dueFailed = 0;
  private dueFailedInWindow = 0;
  private delayedSends = 0;
  private intendedSends = 0;
  private actualSends = 0;

  /** Windows not yet emitted, by index; all indices below nextEmit have been emitted. */
  private readonly pending = new Map<number, WindowAccumulator>();
  private nextEmit = 0;
  readonly series: SeriesWindow[] = [];

  constructor(opts: RecorderOptions) {
    this.recordStartMs = opts.recordStartMs;
    this.recordEndMs = opts.recordStartMs + opts.durationS * 1000;
    this.windowMs = opts.windowMs;
    this.lastWindowIndex = Math.max(0, Math.ceil((opts.durationS * 1000) / opts.windowMs) - 1);
    this.openLoop = opts.openLoop;
    this.onWindow = opts.onWindow;
    this.service = opts.openLoop ? new LatencyAccumulator() : undefined;
    // by_request is reported for real mixes only; a single entry would duplicate the run.
    this.mix = opts.mixNames.length > 1 ? opts.mixNames.map((name) => ({ name, requests: 0, errors: 0, latency: new LatencyAccumulator() })) : [];
  }

  /** True when a request sent (or intended) at this time belongs to the recording, not the warm-up. */
  isRecorded(sentMs: number): boolean {
    return sentMs >= this.recordStartMs;
  }

  /** True when a completion at this time falls inside the recording window (counts toward throughput). */
  isInWindow(atMs: number): boolean {
    return atMs >= this.recordStartMs && atMs <= this.recordEndMs;
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
      w = { index, requests: 0, latency: new LatencyAccumulator(), errors: {}, offered: 0, delayed: 0 };
      this.pending.set(index, w);
    }
    this.lastWindow = w;
    return w;
  }

  /**
   * One complete response to a request due inside the window. latencyUs is what the report calls
   * latency (open loop: from the intended send); serviceUs (open loop) is from the actual send.
   * Completed after the window (the open loop's drain), it is counted as late: its latency and
   * status are recorded, the throughput does not count it.
   */
  recordResponse(atMs: number, status: number, latencyUs: number, mixIndex: number, serviceUs?: number): void {
    this.dueResponses++;
    const inWindow = atMs <= this.recordEndMs;
    this.latency.recordCompleted(latencyUs);
    if (this.service && serviceUs !== undefined) this.service.recordCompleted(serviceUs);
    const w = this.windowAt(atMs);
    w.latency.recordCompleted(latencyUs);
    if (inWindow) {
      this.completedInWindow++;
      w.requests++;
    } else {
      this.dueLate++;
    }
    const m = this.mix[mixIndex];
    if (m) {
      m.requests++;
      m.latency.recordCompleted(latencyUs);
    }
    if (isSuccessStatus(status)) {
      if (inWindow) this.successesInWindow++;
    } else {
      const kind = httpErrorKind(status);
      bump(this.errors, kind);
      bump(w.errors, kind);
      if (m) m.errors++;
    }
  }

  /**
   * A response completed inside the window to a request due before it (sent during the warm-up):
   * the server did that work inside the window, so it counts toward throughput, but its latency
   * belongs to the warm-up and is not recorded.
   */
  recordCarriedIn(atMs: number, status: number): void {
    if (!this.isInWindow(atMs)) return;
    this.completedInWindow++;
    this.carriedIn++;
    if (isSuccessStatus(status)) this.successesInWindow++;
    this.windowAt(atMs).requests++;
  }

  /**
   * A request due inside the window that got no response (refused, reset, closed, timeout, other).
   * A timeout passes the age the request had reached (µs; open loop: from the intended send, and
   * serviceAgeUs from the actual send when it was sent at all): it enters the latency distribution
   * right-censored — "took longer than this".
   */
  recordError(atMs: number, kind: ErrorKind, mixIndex: number, ageUs?: number, serviceAgeUs?: number): void {
    this.dueFailed++;
    if (atMs <= this.recordEndMs) this.dueFailedInWindow++;
    bump(this.errors, kind);
    const w = this.windowAt(atMs);
    bump(w.errors, kind);
    const m = this.mix[mixIndex];
    if (m) m.errors++;
    if (kind === 'timeout' && ageUs !== undefined) {
      this.latency.recordCensored(ageUs);
      w.latency.recordCensored(ageUs);
      m?.latency.recordCensored(ageUs);
      if (this.service && serviceAgeUs !== undefined) this.service.recordCensored(serviceAgeUs);
    }
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

  /** Responses completed inside the window so far (the throughput's numerator). */
  get completed(): number {
    return this.completedInWindow;
  }

  /** Requests due in the window that have ended so far, with a response or without. */
  get attempted(): number {
    return this.dueResponses + this.dueFailed;
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
      latency_ms: w ? w.latency.summarize() : emptyLatencySummary(),
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
      requests: this.completedInWindow,
      throughput_rps: recordedS > 0 ? roundTo(this.completedInWindow / recordedS) : 0,
      goodput_rps: recordedS > 0 ? roundTo(this.successesInWindow / recordedS) : 0,
      latency_ms: this.latency.summarize(),
      histograms: { latency_us: encodeHistogram(this.latency.completed) },
      errors: { total: errorsTotal, rate: attempted > 0 ? errorsTotal / attempted : 0, by_kind: { ...this.errors } },
      series: this.series,
      interrupted: args.interrupted,
    };
    if (this.latency.censored) result.histograms.latency_censored_us = encodeHistogram(this.latency.censored);
    if (this.service) {
      result.service_latency_ms = this.service.summarize();
      result.histograms.service_us = encodeHistogram(this.service.completed);
      if (this.service.censored) result.histograms.service_censored_us = encodeHistogram(this.service.censored);
      result.overload = this.overloadAccounting();
      result.generator = {
        delayed_sends: this.delayedSends,
        send_lag_p99_ms: args.sendLagP99Ms ?? 0,
        achieved_rate_rps: recordedS > 0 ? roundTo(this.actualSends / recordedS) : 0,
      };
    }
    if (this.mix.length > 0) {
      const byRequest: NonNullable<LoadResult['by_request']> = {};
      for (const m of this.mix) {
        byRequest[m.name] = { requests: m.requests, latency_ms: m.latency.summarize(), errors: m.errors };
      }
      result.by_request = byRequest;
    }
    if (args.slowClients) result.slow_clients = args.slowClients;
    return result;
  }

  /** Open loop: the offered load against what was completed inside the window. */
  private overloadAccounting(): OverloadAccounting {
    const sent = this.intendedSends;
    const completed = this.completedInWindow;
    const answeredDueInWindow = completed - this.carriedIn;
    return {
      sent,
      completed_in_window: completed,
      carried_in: this.carriedIn,
      failed_in_window: this.dueFailedInWindow,
      completed_late: this.dueLate,
      outstanding_at_end: Math.max(0, sent - answeredDueInWindow - this.dueFailedInWindow),
      backlog: sent - completed,
      completion_ratio: sent > 0 ? roundTo(completed / sent, 4) : 1,
    };
  }

  /** Open loop: a request was really sent (achieved rate = these over the recording). */
  noteActualSend(): void {
    this.actualSends++;
  }

  /** The histogram of the whole run's completed responses (read-only use: e.g. tests). */
  get latencyHistogram(): LatencyHistogram {
    return this.latency.completed;
  }
}
