// Reading and checking a baseline file. Every way it can be unusable — missing, not JSON, another
// schema, recorded for another workload — is refused with exit 2 and one line saying why, because
// a gate that silently compares against the wrong numbers is worse than no gate.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { BASELINE_SCHEMA } from './gate-document.js';
import type { BaselineDocument } from './gate-document.js';
import { diffWorkloads } from './fingerprint.js';

const environment = z
  .object({
    hostname: z.string(),
    platform: z.string(),
    kernel: z.string(),
    cpu_model: z.string(),
    cores: z.number(),
    memory_bytes: z.number(),
    node_version: z.string(),
    load_average: z.tuple([z.number(), z.number(), z.number()]),
  })
  .passthrough();

const runSample = z
  .object({
    side: z.enum(['A', 'B']),
    index: z.number().int(),
    started_at: z.string(),
    duration_s: z.number(),
    requests: z.number(),
    values: z.record(z.number()),
    drifting: z.record(z.boolean()),
    target_died: z.boolean(),
    complete: z.boolean(),
  })
  .passthrough();

const baselineSchema = z
  .object({
    schema: z.literal(BASELINE_SCHEMA),
    cpdiag_version: z.string(),
    started_at: z.string(),
    finished_at: z.string(),
    environment,
    scenario: z.string(),
    fingerprint: z.string().startsWith('sha256:'),
    workload: z.record(z.unknown()),
    target: z.string(),
    runs: z.array(runSample).min(1),
  })
  .passthrough();

/** Parses baseline JSON text; `path` only names the file in messages. */
export function parseBaseline(text: string, path: string): BaselineDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new CpdiagError(`${path}: not a baseline file: not valid JSON (${(e as Error).message})`, EXIT.USAGE, 'record one with `cpdiag baseline SCENARIO -o FILE`');
  }
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (schema !== BASELINE_SCHEMA) {
    const found = typeof schema === 'string' ? `schema "${schema}"` : 'no schema field';
    throw new CpdiagError(`${path}: not a baseline file: ${found}, expected "${BASELINE_SCHEMA}"`, EXIT.USAGE, 'record one with `cpdiag baseline SCENARIO -o FILE`');
  }
  const result = baselineSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new CpdiagError(`${path}: damaged baseline file: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, EXIT.USAGE, 're-record it with `cpdiag baseline`');
  }
  return result.data as unknown as BaselineDocument;
}

export function readBaselineFile(path: string): BaselineDocument {
  if (!existsSync(path)) throw new CpdiagError(`no such baseline file: ${path}`, EXIT.USAGE, 'record one with `cpdiag baseline SCENARIO -o FILE`');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CpdiagError(`cannot read baseline ${path}: ${(e as Error).message}`, EXIT.USAGE);
  }
  return parseBaseline(text, path);
}

/** Refuses a baseline recorded for another workload, naming what differs. */
export function checkFingerprint(baseline: BaselineDocument, fingerprint: string, workload: Record<string, unknown>, path: string): void {
  if (baseline.fingerprint === fingerprint) return;
  const diffs = diffWorkloads(baseline.workload, workload);
  throw new CpdiagError(
    `${path} was recorded for a different workload (scenario "${baseline.scenario}", ${baseline.fingerprint}; now ${fingerprint})${diffs.length ? `: ${diffs.join('; ')}` : ''}`,
    EXIT.USAGE,
    're-record the baseline with this scenario, or run the gate with the scenario and flags the baseline used',
  );
}
