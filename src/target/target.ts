// One interface for the three kinds of target: the bundled server, a user's command, or a
// process that is already running (attached: nothing spawned, nothing killed).
import type { ServerSettings, SettingName } from '../config/settings.js';
import type { TargetKind } from './target-info.js';

export type TargetSpec =
  | { kind: 'bundled' }
  | {
      kind: 'command';
      /** Command template, split without a shell; {port} and {thread_pool}, {socket_timeout}, ... are filled. */
      command: string;
      /** Path polled until it answers (any HTTP status). */
      ready_path?: string;
      ready_timeout_s?: number;
      cwd?: string;
    }
  | { kind: 'attached'; url: string; pid: number };

export interface TargetExit {
  code: number | null;
  signal: string | null;
  stderrTail: string;
}

export interface RunningTarget {
  kind: TargetKind;
  /** Base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  pid: number;
  command?: string[];
  /** The reference server's stats endpoint, when the target is the bundled server. */
  statsUrl?: string;
  settings: ServerSettings;
  /**
   * The settings that are facts about this target (the others are cpdiag's defaults), and where
   * the ones not simply given came from. Undefined: every setting is known (the bundled server).
   */
  knownSettings?: { names: SettingName[]; source: Partial<Record<SettingName, 'given' | 'stats' | 'inferred'>> };
  /** Resolves if the target exits before stop() is called (a crash, EMFILE, ...). Never rejects. */
  exited: Promise<TargetExit>;
  hasExited(): boolean;
  /** The last lines the target wrote on stderr (for error messages). */
  stderrTail(): string;
  /** Stops a spawned target and its children; a no-op for attached targets. */
  stop(): Promise<void>;
}
