// A sweep preset as data: what `cpdiag sweep <name>` measures when the user gives nothing else.
// resolveSweepSpec (sweep-spec.ts) reads these fields and nothing else about a preset, so a new
// preset is one file in this folder plus one line in index.ts.
import type { ServerSettings, SettingName } from '../../config/settings.js';
import type { RampSpec } from '../ramp-spec.js';

export interface SweepPreset {
  /** The name on the command line: `cpdiag sweep <name>`. */
  readonly name: string;
  /** The setting it sweeps. A sweep of that setting by name takes the preset's values and workload too (not its budget). */
  readonly setting: SettingName;
  /** The values measured unless --values, --range or the scenario give others. */
  readonly values: readonly number[];
  /** The request every level sends unless the user gave a mix (--path, a scenario). */
  readonly mixPath: string;
  /** The ramp at each value, before flags and the scenario's `sweep.ramp`. */
  readonly ramp: Readonly<RampSpec>;
  /** Soft time budget, seconds (refinement is skipped when it would not fit). */
  readonly budgetS: number;
  /**
   * One fixed rate per value (ramp.levels) instead of a ladder to the knee: --rate sets that rate,
   * and there is no capacity knee to refine around, so refinement is off whatever the flags say.
   */
  readonly fixedLoad: boolean;
  /** Settings every step runs with unless the scenario sets them (e.g. model = process-pool for a processes sweep). */
  readonly baseSettings?: Readonly<Partial<ServerSettings>>;
  /** Slow clients beside the normal load unless the scenario has its own (--slow-clients sets the count). */
  readonly slowClients?: {
    readonly count: number;
    readonly upload_bytes_per_s: number;
    readonly request: { readonly method: string; readonly path: string; readonly body_bytes: number; readonly weight: number };
  };
}
