// Setting values for a sweep from the command line or a scenario: a list ("1,2,4,8") or a range
// ("1:64:x2" geometric, "10:100:+10" arithmetic). Every value is checked against the setting's
// own range (settings.ts), so a sweep never starts a target it knows will be refused.
import { CpdiagError, EXIT } from '../exit-codes.js';
import { coerceSetting, findSetting, SettingsError, SETTING_DEFINITIONS, type SettingDefinition } from '../config/settings.js';

/** A sweep of more values than this is a typo (1:100000:+1), not a plan. */
export const MAX_SWEEP_VALUES = 64;

/** The numeric settings a sweep can vary. */
export function sweepableSetting(name: string, where = 'setting'): SettingDefinition {
  const def = findSetting(name);
  if (!def) {
    const known = SETTING_DEFINITIONS.filter((d) => d.kind === 'int' || d.kind === 'float').map((d) => d.name);
    throw new CpdiagError(`${where}: unknown setting "${name}"`, EXIT.USAGE, `sweepable settings: ${known.join(', ')}`);
  }
  if (def.kind !== 'int' && def.kind !== 'float') throw new CpdiagError(`${where}: ${def.name} is not numeric and cannot be swept`, EXIT.USAGE);
  if (def.name === 'socket_port') throw new CpdiagError(`${where}: socket_port is chosen by cpdiag and cannot be swept`, EXIT.USAGE);
  return def;
}

function checkValue(def: SettingDefinition, value: number, where: string): number {
  try {
    return coerceSetting(def, value, where) as number;
  } catch (e) {
    if (e instanceof SettingsError) throw new CpdiagError(e.message, EXIT.USAGE);
    throw e;
  }
}

/** "1,2,4,8" → [1,2,4,8]; sorted, de-duplicated, each checked against the setting. */
export function parseValueList(text: string, def: SettingDefinition, where = '--values'): number[] {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new CpdiagError(`${where}: expected a comma-separated list of numbers, got "${text}"`, EXIT.USAGE);
  const values = parts.map((p) => {
    const n = Number(p);
    if (!Number.isFinite(n)) throw new CpdiagError(`${where}: "${p}" is not a number`, EXIT.USAGE);
    return checkValue(def, n, where);
  });
  return finish(values, where);
}

/**
 * "a:b:xF" → a, a·F, a·F², … ≤ b (integer settings round and skip repeats);
 * "a:b:+S" (or "a:b:S") → a, a+S, … ≤ b. b is included when the steps land on it.
 */
export function parseRange(text: string, def: SettingDefinition, where = '--range'): number[] {
  const m = /^\s*([\d.]+)\s*:\s*([\d.]+)\s*:\s*([x*+]?)\s*([\d.]+)\s*$/.exec(text);
  if (!m) throw new CpdiagError(`${where}: expected FROM:TO:xFACTOR or FROM:TO:+STEP (e.g. 1:64:x2 or 10:100:+10), got "${text}"`, EXIT.USAGE);
  const from = Number(m[1]);
  const to = Number(m[2]);
  const geometric = m[3] === 'x' || m[3] === '*';
  const step = Number(m[4]);
  if (![from, to, step].every(Number.isFinite)) throw new CpdiagError(`${where}: "${text}" has a part that is not a number`, EXIT.USAGE);
  if (!(to >= from)) throw new CpdiagError(`${where}: the end ${to} is below the start ${from}`, EXIT.USAGE);
  if (geometric && !(step > 1)) throw new CpdiagError(`${where}: a geometric factor must be above 1, got x${step}`, EXIT.USAGE);
  if (geometric && !(from > 0)) throw new CpdiagError(`${where}: a geometric range must start above 0, got ${from}`, EXIT.USAGE);
  if (!geometric && !(step > 0)) throw new CpdiagError(`${where}: a step must be above 0, got +${step}`, EXIT.USAGE);
  const values: number[] = [];
  // Relative tolerance so 0.1-steps and x1.5-factors still land on the end.
  const eps = 1e-9 * Math.max(1, Math.abs(to));
  for (let v = from, k = 0; v <= to + eps; k++) {
    const rounded = def.kind === 'int' ? Math.round(v) : Number(v.toPrecision(12));
    if (values.length === 0 || values[values.length - 1] !== rounded) values.push(rounded);
    if (values.length > MAX_SWEEP_VALUES) break;
    v = geometric ? from * step ** (k + 1) : from + step * (k + 1);
  }
  return finish(values.map((v) => checkValue(def, v, where)), where);
}

/** A --values or --range text: ranges have colons. */
export function parseValuesOrRange(text: string, def: SettingDefinition, where: string): number[] {
  return text.includes(':') ? parseRange(text, def, where) : parseValueList(text, def, where);
}

function finish(values: number[], where: string): number[] {
  const out = [...new Set(values)].sort((a, b) => a - b);
  if (out.length > MAX_SWEEP_VALUES) throw new CpdiagError(`${where}: ${out.length} values is more than the ${MAX_SWEEP_VALUES} a sweep allows`, EXIT.USAGE);
  return out;
}
