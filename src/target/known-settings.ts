// Which of a target's settings cpdiag actually knows. The bundled server is started with every
// setting; a command target receives only those whose {placeholder} its command uses (the same
// values also go into CPDIAG_* variables, but whether the program reads them is unknown); an
// attached process tells only what its stats endpoint reports. The rest are cpdiag's defaults and
// must be shown as "unknown", never as facts about the target.
import { SETTING_DEFINITIONS, type SettingName } from '../config/settings.js';

/** Settings whose {name} placeholder appears in a command template. */
export function settingsInCommand(command: string): SettingName[] {
  return SETTING_DEFINITIONS.map((d) => d.name).filter((name) => command.includes(`{${name}}`));
}

/** Settings a stats document reports about the server (the bundled /_cpdiag/stats carries them all). */
export function settingsInStats(reported: Record<string, unknown> | undefined): Partial<Record<SettingName, unknown>> {
  if (!reported) return {};
  const out: Partial<Record<SettingName, unknown>> = {};
  for (const d of SETTING_DEFINITIONS) if (reported[d.name] !== undefined) out[d.name] = reported[d.name];
  return out;
}
