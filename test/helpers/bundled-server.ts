// Tests start the reference server the way cpdiag starts a bundled target: the lean entry
// (src/server/serve-entry.ts) through the production spawn path (src/target/kinds/bundled.ts:
// own process group, watchdog, readiness on the URL line, SIGTERM-then-SIGKILL teardown).
import type { ChildProcess } from 'node:child_process';
import type { ServerSettings } from '../../src/config/settings.js';
import { startBundledServer, type BundledServerOptions } from '../../src/target/kinds/bundled.js';

export interface BundledServer {
  url: string;
  pid: number;
  /** The server process itself, for tests that signal it (drain). */
  child: ChildProcess;
  /** SIGTERM (drain), then SIGKILL after the grace period (default 5 s); resolves when it is gone. */
  stop(graceMs?: number): Promise<void>;
}

export type SpawnBundledOptions = BundledServerOptions;

const DEFAULT_TEST_STOP_GRACE_MS = 5_000;

export async function spawnBundledServer(settings: Partial<ServerSettings>, opts: SpawnBundledOptions = {}): Promise<BundledServer> {
  const target = await startBundledServer(settings, { readyTimeoutMs: 30_000, ...opts });
  return {
    url: target.url,
    pid: target.pid,
    child: target.child!,
    stop: (graceMs = DEFAULT_TEST_STOP_GRACE_MS) => target.stop(graceMs),
  };
}
