// Polls a server stats URL without ever holding up the /proc sampling: at most one request is in
// flight, and its answer is attached to the sample that launched it when it arrives. A server
// whose pool is exhausted answers its own stats page late or never (cheroot serves it from the
// same pool), which must not stretch the sampling interval nor pile up connections.
import type { ServerStatsSample } from './probe-sample.js';
import { fetchServerStats } from './server-stats.js';

export interface StatsPoller {
  /**
   * Starts a fetch unless one is in flight; `attach` receives the answer (or nothing on failure).
   * Returns the fetch's settlement, or undefined when none was started.
   */
  poll(attach: (s: ServerStatsSample) => void): Promise<void> | undefined;
  /** Waits for the in-flight fetch (bounded by its timeout). */
  drain(): Promise<void>;
}

export function createStatsPoller(url: string, timeoutMs: number, fetcher = fetchServerStats): StatsPoller {
  let inFlight: Promise<void> | undefined;
  return {
    poll(attach) {
      if (inFlight) return undefined;
      const current = fetcher(url, timeoutMs).then((s) => {
        if (s) attach(s);
      }).finally(() => {
        inFlight = undefined;
      });
      inFlight = current;
      return current;
    },
    async drain() {
      await inFlight;
    },
  };
}
