// What every kind of target looks like once started (the kinds themselves are in kinds/, listed in
// target-kinds.ts): the bundled server, a user's command, or a process that is already running
// (attached: nothing spawned, nothing killed).
import type { ChildProcess } from 'node:child_process';
import type { ServerSettings, SettingName } from '../config/settings.js';

export interface TargetExit {
  code: number | null;
  signal: string | null;
  stderrTail: string;
}

/** One of the processes behind a balancer (a balanced target): each on its own loopback port. */
export interface BackendProcess {
  url: string;
  pid: number;
  /** Its own stats page (the bundled server's, or --stats-url on it). */
  statsUrl?: string;
  exited: Promise<TargetExit>;
  hasExited(): boolean;
}

export interface RunningTarget {
  /** The kind's name, as in the scenario and the documents. */
  kind: string;
  /** Base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  pid: number;
  command?: string[];
  /** The server's stats endpoint: the bundled server's, or the one given with --stats-url. */
  statsUrl?: string;
  settings: ServerSettings;
  /** The spawned process (absent when attached), for callers that signal it themselves. */
  child?: ChildProcess;
  /**
   * The settings that are facts about this target (the others are cpdiag's defaults), and where
   * the ones not simply given came from. Undefined: every setting is known (the bundled server).
   */
  knownSettings?: { names: SettingName[]; source: Partial<Record<SettingName, 'given' | 'stats' | 'inferred'>> };
  /**
   * A balanced target (kinds/balanced.ts): the processes behind the balancer, in its upstream's
   * order; the target's own pid and url are then the balancer's.
   */
  backends?: BackendProcess[];
  /** The balancer's kind and its CPU seconds so far (its cost per request: read around a load). */
  balancer?: { kind: string; cpuSeconds(): number };
  /** Resolves if the target exits before stop() is called (a crash, EMFILE, ...). Never rejects. */
  exited: Promise<TargetExit>;
  hasExited(): boolean;
  /** The last lines the target wrote on stderr (for error messages). */
  stderrTail(): string;
  /**
   * Stops a spawned target and everything it started (SIGTERM, SIGKILL after graceMs); a no-op for
   * attached targets.
   */
  stop(graceMs?: number): Promise<void>;
}

/** Whether the target's own stats can be read: its stats page, or every backend's behind a balancer. */
export function hasStatsPage(target: RunningTarget): boolean {
  if (target.statsUrl !== undefined) return true;
  return target.backends !== undefined && target.backends.length > 0 && target.backends.every((b) => b.statsUrl !== undefined);
}
