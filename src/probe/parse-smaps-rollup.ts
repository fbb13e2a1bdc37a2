// /proc/PID/smaps_rollup: the process's memory summed over its mappings. Pss (proportional set
// size) divides each shared page by the processes sharing it, so the Pss of a forked pool sums to
// the memory it really uses, where RSS counts every shared page once per process.

/** Pss in bytes, or undefined when the line is missing (kernels before 4.14, no permission). */
export function parsePssBytes(text: string): number | undefined {
  const m = /^Pss:\s+(\d+)\s+kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}
