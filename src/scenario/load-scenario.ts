// Reading and validating scenario files. A bad file is refused with the path of the bad field.
import { existsSync } from 'node:fs';
import { MAX_INPUT_FILE_BYTES, readBoundedText } from '../bounded-read.js';
import { basename, extname, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { ZodError } from 'zod';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { resolveSettings, SettingsError } from '../config/settings.js';
import { scenarioSchema, type Scenario } from './schema.js';

export function formatZodError(error: ZodError, file: string): string {
  const lines = error.issues.slice(0, 8).map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : '(top level)';
    return `  ${path}: ${issue.message}`;
  });
  return `${file}: invalid scenario\n${lines.join('\n')}`;
}

/** Validates an already-parsed object (from YAML, JSON or a preset). */
export function parseScenario(data: unknown, file = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(data ?? {});
  if (!result.success) throw new CpdiagError(formatZodError(result.error, file), EXIT.USAGE, 'see scenarios/README.md for the format');
  const scenario = result.data;
  try {
    resolveSettings(scenario.settings);
  } catch (e) {
    if (e instanceof SettingsError) throw new CpdiagError(`${file}: settings: ${e.message}`, EXIT.USAGE);
    throw e;
  }
  if (!scenario.name) scenario.name = basename(file, extname(file)).toLowerCase().replace(/[^a-z0-9._-]/g, '-') || 'scenario';
  return scenario;
}

export function loadScenarioFile(path: string): Scenario {
  const full = resolve(path);
  if (!existsSync(full)) throw new CpdiagError(`no such scenario file: ${path}`, EXIT.USAGE, 'scenarios/ holds the shipped ones');
  const text = readBoundedText(full, MAX_INPUT_FILE_BYTES, 'scenario file');
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const pos = e.linePos?.[0];
      throw new CpdiagError(`${path}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML: ${e.message.split('\n')[0]}`, EXIT.USAGE);
    }
    throw new CpdiagError(`cannot read ${path}: ${(e as Error).message}`, EXIT.USAGE);
  }
  // An empty file (or only comments) parses as null, which would run the default load as if the
  // file had asked for it: more likely the wrong file, or one not saved yet.
  if (data === null || data === undefined) throw new CpdiagError(`${path}: empty scenario file`, EXIT.USAGE, 'a scenario needs at least one section, e.g. `load: { duration_s: 10 }`; see scenarios/README.md');
  return parseScenario(data, path);
}
