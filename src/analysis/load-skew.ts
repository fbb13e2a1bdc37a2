// How evenly several processes served: the busiest one's request count over the mean (1 is an
// even spread, 2 is one process doing the work of two). One rule for the run's balancer summary,
// the comparison's table and the uneven-process-load detector. Pure.

/** The busiest count over the mean; undefined without counts or requests. */
export function loadSkew(counts: readonly number[] | undefined): number | undefined {
  if (!counts || counts.length === 0) return undefined;
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  return mean > 0 ? Math.max(...counts) / mean : undefined;
}
