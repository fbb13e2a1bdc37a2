// Reading and checking a baseline file. Every way it can be unusable — missing, too large, not
// JSON, another schema, values no measurement can give (negative, non-finite, absurd), recorded
// for another workload — is refused with exit 2 and one line saying why, because a gate that
// silently compares against the wrong numbers is worse than no gate (a baseline with p99 1e308
// made every build "improved").
import { existsSync } from 'node:fs';
import { MAX_DOCUMENT_BYTES, readBoundedText } from '../bounded-read.js';
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

/**
 * What a measured value of each kind can be. The ceilings are far above anything cpdiag measures
 * on one machine (a day of latency, ten million requests a second), so only corrupt or edited
 * files meet them.
 */
const PLAUSIBLE: { metrics: readonly string[]; min: number; max: number; what: string }[] = [
  { metrics: ['p50', 'p90', 'p95', 'p99', 'p999', 'mean'], min: 0, max: 86_400_000, what: 'a latency between 0 and a day (in ms)' },
  { metrics: ['throughput', 'goodput', 'capacity'], min: 0, max: 1e7, what: 'a rate between 0 and 10 million requests/s' },
  { metrics: ['error_rate'], min: 0, max: 1, what: 'an error rate between 0 and 1' },
  { metrics: ['rss_slope'], min: -1e12, max: 1e12, what: 'an RSS slope within ±1 TB/s' },
  { metrics: ['fd_slope', 'thread_slope'], min: -1e6, max: 1e6, what: 'a slope within ±1 million/s' },
];

/** Why `v` cannot be a measured `metric`, or undefined when it can (or the metric is not known here). */
export function implausible(metric: string, v: number): string | undefined {
  const rule = PLAUSIBLE.find((r) => r.metrics.includes(metric));
  if (!rule || (v >= rule.min && v <= rule.max)) return undefined;
  return `not ${rule.what}`;
}

const runSample = z
  .object({
    side: z.enum(['A', 'B']),
    index: z.number().int(),
    started_at: z.string(),
    duration_s: z.number().finite().nonnegative(),
    requests: z.number().finite().nonnegative(),
    values: z.record(z.number().finite()).superRefine((values, ctx) => {
      for (const [metric, v] of Object.entries(values)) {
        const problem = implausible(metric, v);
        if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [metric], message: `${v} is ${problem}` });
      }
    }),
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
    // z.number() says "Expected number, received number" for Infinity (1e400 in JSON): say what it is.
    const message = issue.code === z.ZodIssueCode.invalid_type && issue.received === 'number' ? 'not a finite number' : issue.message;
    throw new CpdiagError(`${path}: damaged baseline file: ${issue.path.join('.') || '(top level)'}: ${message}`, EXIT.USAGE, 're-record it with `cpdiag baseline`');
  }
  return result.data as unknown as BaselineDocument;
}

export function readBaselineFile(path: string): BaselineDocument {
  if (!existsSync(path)) throw new CpdiagError(`no such baseline file: ${path}`, EXIT.USAGE, 'record one with `cpdiag baseline SCENARIO -o FILE`');
  return parseBaseline(readBoundedText(path, MAX_DOCUMENT_BYTES, 'baseline'), path);
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
