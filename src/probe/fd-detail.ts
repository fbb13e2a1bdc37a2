// How often a continuous sampler reads every fd link. The count of open fds is exact at every
// sample (one directory listing); the per-fd detail (types, which sockets, their TCP states) costs
// one readlink per fd and is re-read every sample only for small processes. A process with many
// fds gets it at most every FD_DETAIL_REFRESH_MS — a leak shows in the exact count at once, and
// its type one refresh later.
import type { FdDetail, ProcessSnapshot } from './process-snapshot.js';

/** Up to this many fds the links are read at every sample (~30 µs of CPU). */
export const FD_DETAIL_ALWAYS_MAX = 64;
export const FD_DETAIL_REFRESH_MS = 1000;

export interface FdDetailRationer {
  /** The snapshot whose detail to reuse now, or undefined when a fresh read is due. */
  reusable(pid: number, nowMs: number): FdDetail | undefined;
  /** Records a snapshot just taken. */
  record(snap: ProcessSnapshot, nowMs: number): void;
}

export function createFdDetailRationer(refreshMs = FD_DETAIL_REFRESH_MS, alwaysMax = FD_DETAIL_ALWAYS_MAX): FdDetailRationer {
  // Holds its own references to the detail, so callers may slim their stored samples freely.
  const last = new Map<number, { snap: FdDetail; atMs: number }>();
  return {
    reusable(pid, nowMs) {
      const hit = last.get(pid);
      if (!hit || hit.snap.fds <= alwaysMax || nowMs - hit.atMs >= refreshMs) return undefined;
      return hit.snap;
    },
    record(snap, nowMs) {
      if (!snap.fdDetailFresh) return;
      const { pid, fds, fdsByType, fdEntries, fdLimit, sockets } = snap;
      last.set(pid, { snap: { pid, fds, fdsByType, fdEntries, fdLimit, sockets }, atMs: nowMs });
    },
  };
}
