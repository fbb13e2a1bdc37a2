// The native addon of the per-request models (src/server/native/, built by `npm ci` with
// node-gyp into build/Release): a plain pthread per request and a real fork() of the warm server,
// what CPython's ThreadingMixIn and ForkingMixIn pay. Without it (installed with --ignore-scripts,
// no compiler, or CPDIAG_NATIVE=0) both models fall back to a Node worker thread and a new node
// process per request, and say so on the log and in their stats (`native: false`).
import { createRequire } from 'node:module';

export interface NativeAddon {
  /** Once per process: onDone(id, status, cpuUsedMs, workS) runs on the main thread when a thread ends. */
  threadInit(onDone: (id: number, status: number, cpuUsedMs: number, workS: number) => void): void;
  /** A new detached thread named cpdiag-wk-<id>: sleeps ioMs, burns cpuMs of its CPU time (under the GIL if gil), ends. */
  threadStart(id: number, ioMs: number, cpuMs: number, status: number, gil: boolean): void;
  /** The live threads, flat: [id, tid, state (WORKER_STATE), ...]. */
  threadSnapshot(): number[];
  /** [switches, cpuActive, cpuActiveMax] of the native GIL. */
  gilCounters(): number[];
  /** Forks; the child sleeps, burns, sends `response` with X-Cpdiag-Pid: <its pid> inserted at pidAt, closes fd, exits. */
  forkServe(fd: number, ioMs: number, cpuMs: number, response: Buffer, pidAt: number): number;
  /** Reaps the children forkServe made that have exited: flat [pid, exit code (128 + signal if killed), ...]. */
  forkReap(): number[];
}

export type NativeLoad = { addon: NativeAddon; reason?: undefined } | { addon: undefined; reason: string };

/** From dist/src/server/ (the compiled module) to the repository root. */
const ADDON_PATH = '../../../build/Release/cpdiag_native.node';
let loaded: NativeLoad | undefined;

/** The addon, loaded once; or why not. */
export function loadNativeAddon(): NativeLoad {
  if (loaded) return loaded;
  if (process.env.CPDIAG_NATIVE === '0') {
    loaded = { addon: undefined, reason: 'CPDIAG_NATIVE=0' };
  } else {
    try {
      loaded = { addon: createRequire(import.meta.url)(ADDON_PATH) as NativeAddon };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      loaded = { addon: undefined, reason: err.code === 'MODULE_NOT_FOUND' ? 'build/Release/cpdiag_native.node is not built (npm ci without --ignore-scripts builds it)' : err.message };
    }
  }
  return loaded;
}

/** The line the server logs once when a per-request model runs without the addon. */
export function fallbackNotice(model: string, instead: string, reason: string): string {
  return `${model}: native addon not loaded (${reason}); each request pays ${instead} instead of what CPython pays`;
}
