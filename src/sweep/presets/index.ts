// The registry of sweep presets: `cpdiag sweep <name>` finds its preset here. To add one, write
// its record in this folder (see sweep-preset.ts) and add it to SWEEP_PRESETS.
import type { SettingName } from '../../config/settings.js';
import type { SweepPreset } from './sweep-preset.js';
import { PROCESSES_PRESET } from './processes.js';
import { THREAD_POOL_PRESET } from './thread-pool.js';
import { TIMEOUT_PRESET } from './timeout.js';

export type { SweepPreset } from './sweep-preset.js';

export const SWEEP_PRESETS: readonly SweepPreset[] = [
  THREAD_POOL_PRESET,
  TIMEOUT_PRESET,
  PROCESSES_PRESET,
];

/** The workload and ramp of a sweep whose setting has no preset of its own (socket_queue_size, …). */
export const DEFAULT_SWEEP_PRESET: SweepPreset = THREAD_POOL_PRESET;

export function findSweepPreset(name: string): SweepPreset | undefined {
  return SWEEP_PRESETS.find((p) => p.name === name);
}

/** The preset of a setting, so `cpdiag sweep socket_timeout` measures what `cpdiag sweep timeout` does. */
export function findSweepPresetForSetting(setting: SettingName): SweepPreset | undefined {
  return SWEEP_PRESETS.find((p) => p.setting === setting);
}
