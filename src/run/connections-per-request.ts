// New connections the server accepted per request it served over the measurement, from its own
// counters in the probes (first and last sample that have both). About 1 when every request
// arrives on a fresh connection — a proxy without keep-alive to the backend pays a connect (and
// the backend an accept) per request — near 0 when connections are reused. Pure.
import type { ProbeSample } from '../probe/probe-sample.js';

export function connectionsPerRequest(probes: readonly ProbeSample[]): number | undefined {
  const counted = probes.filter((p) => p.server?.connections_accepted !== undefined && p.server.requests !== undefined);
  if (counted.length < 2) return undefined;
  const a = counted[0]!.server!;
  const b = counted[counted.length - 1]!.server!;
  const served = b.requests! - a.requests!;
  return served > 0 ? Math.max(0, b.connections_accepted! - a.connections_accepted!) / served : undefined;
}
