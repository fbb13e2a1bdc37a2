// How much one of the server's own cumulative counters (malformed requests, 5xx answered) grew
// over a window of samples: the last reading less the first. A run's target starts with the run,
// so there a single reading counts from zero; an inspected process has counted since long before
// the window, so there a single reading says nothing grew. One rule for runs and inspections.
import type { ServerStatsSample } from './probe-sample.js';

export type ServerCounter = 'bad_request_400' | 'server_errors_5xx';

export function serverCounterGrowth(
  samples: readonly { server?: ServerStatsSample }[],
  counter: ServerCounter,
  opts: { countsFromZero: boolean },
): number | undefined {
  const readings = samples.map((s) => s.server?.[counter]).filter((v): v is number => v !== undefined);
  if (readings.length === 0) return undefined;
  const first = readings.length > 1 || !opts.countsFromZero ? readings[0] : 0;
  return Math.max(0, readings[readings.length - 1] - first);
}
