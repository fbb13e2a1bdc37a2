// `cpdiag inspect --watch`: what each line shows besides the sample itself. Workers are
// recognised incrementally (each sample's pool threads join the set; threads that ended leave it),
// and the server's own stats, which land on a sample after its line was due, are the latest seen.
import type { ServerStatsSample } from '../probe/probe-sample.js';
import type { InspectSample } from './inspect-sample.js';
import { recognizeWorkers, type ClassifiedThread } from '../probe/worker-threads.js';

/** How many recent samples are searched for the latest stats answer. */
const RECENT_SAMPLES = 8;

export class WatchWorkers {
  readonly workers = new Set<number>();
  private readonly recent: InspectSample[] = [];

  constructor(private readonly pid: number) {}

  /** Takes a sample in; returns the worker set and the latest server stats to show with it. */
  observe(s: InspectSample): { workers: Set<number>; server: ServerStatsSample | undefined } {
    const threads: ClassifiedThread[] = s.threads.map((t) => ({ tid: t.tid, name: t.name, activity: t.activity }));
    for (const tid of recognizeWorkers([threads], this.pid).tids) this.workers.add(tid);
    for (const tid of this.workers) if (!s.threads.some((t) => t.tid === tid)) this.workers.delete(tid);
    this.recent.push(s);
    if (this.recent.length > RECENT_SAMPLES) this.recent.shift();
    const server = [...this.recent].reverse().find((x) => x.server)?.server;
    return { workers: this.workers, server };
  }
}
