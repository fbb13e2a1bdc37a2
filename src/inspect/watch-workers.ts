// `cpdiag inspect --watch`: what each line shows besides the sample itself. Workers are
// recognised incrementally (each sample's pool threads join the set; threads that ended leave it),
// and the server's own stats, which land on a sample after its line was due, are the latest seen.
import type { ServerStatsSample } from '../probe/probe-sample.js';
import type { InspectSample } from './inspect-sample.js';
import { WorkerCensus } from '../probe/worker-census.js';

/** How many recent samples are searched for the latest stats answer. */
const RECENT_SAMPLES = 8;

export class WatchWorkers {
  private readonly census: WorkerCensus;
  private readonly recent: InspectSample[] = [];

  constructor(pid: number) {
    this.census = new WorkerCensus(pid);
  }

  get workers(): Set<number> {
    return this.census.workers;
  }

  /** Takes a sample in; returns the worker set and the latest server stats to show with it. */
  observe(s: InspectSample): { workers: Set<number>; server: ServerStatsSample | undefined } {
    this.census.observe(s.threads);
    this.recent.push(s);
    if (this.recent.length > RECENT_SAMPLES) this.recent.shift();
    const server = [...this.recent].reverse().find((x) => x.server)?.server;
    return { workers: this.workers, server };
  }
}
