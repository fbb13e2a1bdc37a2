// Turns a target spec and the run's settings into a running, ready target, through its kind.
import type { ServerSettings } from '../config/settings.js';
import { targetKindOf, type TargetSpec } from './target-kinds.js';
import type { RunningTarget } from './target.js';

export function startTarget(spec: TargetSpec, settings: ServerSettings, signal?: AbortSignal): Promise<RunningTarget> {
  return targetKindOf(spec).start(spec, { settings, signal });
}
