// The inspection window: one sample every intervalMs for durationS (or until aborted, for
// --watch), ending early when the process exits. Clock and sleep come in as arguments.
import type { ProcReader } from '../probe/proc-reader.js';
import { ProcReadError } from '../probe/proc-reader.js';
import { createStatsPoller } from '../probe/stats-poller.js';
import { freshTcpTables, rationedTcpTables } from '../probe/tcp-tables.js';
import { createFdDetailRationer } from '../probe/fd-detail.js';
import { readInspectSample, type CommCache, type InspectSample } from './inspect-sample.js';

/** --watch keeps at most this many samples (10 minutes at 4 Hz) for the final summary's drift. */
export const WATCH_MAX_SAMPLES = 2400;
/** A stats page slower than this is a missing figure for that sample. */
export const STATS_TIMEOUT_MS = 1000;

export interface CollectOptions {
  reader: ProcReader;
  pid: number;
  intervalMs: number;
  /** Window length; Infinity for --watch (then `signal` ends it). */
  durationS: number;
  statsUrl?: string;
  signal?: AbortSignal;
  onSample?: (s: InspectSample) => void;
  /** Milliseconds, monotonic. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface Collection {
  samples: InspectSample[];
  /** The process exited (or became a zombie) during the window. */
  exited: boolean;
  exitedAtS?: number;
  interrupted: boolean;
  elapsedS: number;
  /** Samples dropped from the front in --watch. */
  dropped: number;
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function collectSamples(o: CollectOptions): Promise<Collection> {
  const now = o.now ?? (() => performance.now());
  const sleep = o.sleep ?? defaultSleep;
  const start = now();
  const samples: InspectSample[] = [];
  let exited = false;
  let exitedAtS: number | undefined;
  let dropped = 0;
  // A bounded window reads everything at every sample; an unbounded watch rations the costly parts.
  const bounded = Number.isFinite(o.durationS);
  const tcpTables = bounded ? freshTcpTables(o.reader) : rationedTcpTables(o.reader, now);
  const fdDetail = bounded ? undefined : createFdDetailRationer();
  const comms: CommCache = new Map();
  const stats = o.statsUrl ? createStatsPoller(o.statsUrl, STATS_TIMEOUT_MS) : undefined;
  for (let k = 0; ; k++) {
    const tS = (now() - start) / 1000;
    let sample: InspectSample | undefined;
    try {
      sample = readInspectSample(o.reader, o.pid, tS, tcpTables, comms, now(), fdDetail);
    } catch (e) {
      if (!(e instanceof ProcReadError && e.failure === 'gone')) throw e;
    }
    if (!sample || sample.process.stat.state === 'Z') {
      exited = true;
      exitedAtS = tS;
      break;
    }
    const current = sample;
    stats?.poll((s) => {
      current.server = s;
    });
    // Only the last sample's per-fd detail is reported; older samples keep their counts, which
    // keeps a long --watch from holding (and the GC from walking) every fd of every sample.
    const previous = samples.at(-1);
    if (previous) slimSample(previous);
    samples.push(sample);
    if (samples.length > WATCH_MAX_SAMPLES) {
      samples.shift();
      dropped++;
    }
    o.onSample?.(sample);
    if (o.signal?.aborted) break;
    // Aligned to the start so the window holds duration/interval + 1 samples whatever a read costs.
    const nextMs = start + (k + 1) * o.intervalMs;
    if ((nextMs - start) / 1000 > o.durationS + 1e-9) break;
    const wait = nextMs - now();
    if (wait > 0) await sleep(wait, o.signal);
    if (o.signal?.aborted) break;
  }
  await stats?.drain();
  return { samples, exited, exitedAtS, interrupted: o.signal?.aborted ?? false, elapsedS: (now() - start) / 1000, dropped };
}

function slimSample(s: InspectSample): void {
  s.process.fdEntries = [];
  s.process.sockets = { ...s.process.sockets, rows: [], byInode: new Map() };
}
