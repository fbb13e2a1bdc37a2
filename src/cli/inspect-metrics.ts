// `inspect --watch --metrics-listen`: keeps what a scrape needs — the recent samples, the pool's
// worker threads recognised so far, the latest server statistics — and serves it as metrics.
// Drift is estimated at most once per new sample, however often the endpoint is scraped.
import { CpdiagError, EXIT } from '../exit-codes.js';
import { WATCH_MAX_SAMPLES } from '../inspect/collect-samples.js';
import type { InspectSample } from '../inspect/inspect-sample.js';
import { WorkerCensus } from '../probe/worker-census.js';
import { metricsFromInspect, estimateInspectDrift } from '../report/metrics-from-inspect.js';
import type { MetricFamily } from '../report/openmetrics.js';
import { parseListenAddress, startMetricsListener, type MetricsListener } from './metrics-listener.js';

export class InspectMetricsFeed {
  private readonly samples: InspectSample[] = [];
  private readonly census: WorkerCensus;
  private drift?: { count: number; value: ReturnType<typeof estimateInspectDrift> };
  private count = 0;

  constructor(private readonly pid: number) {
    this.census = new WorkerCensus(pid);
  }

  add(s: InspectSample): void {
    this.samples.push(s);
    this.count++;
    if (this.samples.length > WATCH_MAX_SAMPLES) this.samples.shift();
    this.census.observe(s.threads);
  }

  families(): MetricFamily[] {
    if (this.drift?.count !== this.count) this.drift = { count: this.count, value: estimateInspectDrift(this.samples) };
    // The stats answer lands on its sample after the sample was taken: use the latest one seen.
    const server = [...this.samples.slice(-8)].reverse().find((x) => x.server)?.server;
    return metricsFromInspect({ pid: this.pid, samples: this.samples, workerTids: this.census.workers, server, drift: this.drift.value });
  }
}

export interface InspectMetricsExport {
  onSample(s: InspectSample): void;
  url: string;
  close(): Promise<void>;
}

/** Starts the endpoint for --metrics-listen (which needs --watch); undefined without the flag. */
export async function startInspectMetrics(pid: number, address: string | undefined, watch: boolean | undefined): Promise<InspectMetricsExport | undefined> {
  if (address === undefined) return undefined;
  if (!watch) throw new CpdiagError('--metrics-listen needs --watch (a scrape reads the figures of a running watch)', EXIT.USAGE);
  const feed = new InspectMetricsFeed(pid);
  const listener: MetricsListener = await startMetricsListener(parseListenAddress(address), () => feed.families());
  process.stderr.write(`metrics: ${listener.url} (OpenMetrics; names in docs/metrics.md)\n`);
  return { onSample: (s) => feed.add(s), url: listener.url, close: () => listener.close() };
}

/** Both sample callbacks, either of which may be absent. */
export function chainSampleHandlers(...handlers: (((s: InspectSample) => void) | undefined)[]): ((s: InspectSample) => void) | undefined {
  const present = handlers.filter((h): h is (s: InspectSample) => void => h !== undefined);
  if (present.length === 0) return undefined;
  return (s) => {
    for (const h of present) h(s);
  };
}
