// The request paths a proxy's access log names most often for one kind of answer (rejected,
// relayed 5xx): what a report and a fix show of them. Pure.

/** path → count, most frequent first, at most 10. */
export function topPaths(paths: Map<string, number>): { path: string; count: number }[] {
  return [...paths.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([path, count]) => ({ path, count }));
}
