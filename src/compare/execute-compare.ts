// `cpdiag compare models`: every model at every workload, each one sweep step (sweep/run-step.ts:
// a fresh target with the model's settings, the closed-loop concurrency ladder, probes of the
// whole process tree, the ramp rules' stop), summarised and recommended per workload. Returns the
// comparison document, saved through `progress` after every level and step so that Ctrl-C keeps
// the finished steps; the files are the output stage's.
import { captureEnvironment } from '../environment.js';
import { CpdiagError, EXIT } from '../exit-codes.js';
import type { BalancerKind } from '../proxy/balancer.js';
import { CPDIAG_VERSION } from '../version.js';
import type { DocumentSink } from '../document-sink.js';
import { roundTo } from '../numbers.js';
import { formatNumber } from '../format.js';
import { runSweepStep } from '../sweep/run-step.js';
import type { SweepStep } from '../sweep/sweep-document.js';
import type { SweepSpec } from '../sweep/sweep-spec.js';
import { COMPARE_SCHEMA, type CompareDocument, type CompareModel, type CompareWorkload, type ModelSummary } from './compare-document.js';
import { settingsOfModel, type CompareSpec } from './compare-spec.js';
import { recommendModel } from './recommend-model.js';
import { diagnose } from '../diagnose/diagnose.js';
import { findingsFromCompare } from './findings-from-compare.js';
import { summarizeModelStep } from './summarize-model.js';

export interface CompareProgress {
  stepIndex: number;
  stepCount: number;
  workload: string;
  model: string;
  /** What the load is doing now ("64 connections"). */
  load?: string;
}

export interface ExecuteCompareOptions {
  spec: CompareSpec;
  progress?: DocumentSink<CompareDocument>;
  signal?: AbortSignal;
  onProgress?: (p: CompareProgress) => void;
  onStep?: (step: SweepStep, summary: ModelSummary, model: CompareModel, workload: CompareWorkload) => void;
}

export interface CompareOutcome {
  doc: CompareDocument;
  interrupted: boolean;
  allFailed: boolean;
}

/** The sweep step's view of one workload: the closed-loop ladder, the SLO, the workload's request. */
function stepSpec(spec: CompareSpec, workload: CompareWorkload): SweepSpec {
  return {
    name: spec.name,
    setting: 'model',
    values: [],
    refine: false,
    repeats: 0,
    scenario: { ...spec.scenario, mix: [{ method: 'GET', path: workload.path, weight: 1 }] },
    ramp: { mode: 'closed', levels: [...spec.levels], maxRps: Infinity, maxLevels: spec.levels.length, levelS: spec.levelS, firstWarmupS: spec.firstWarmupS, warmupS: spec.warmupS },
    sloP99Ms: spec.sloP99Ms,
    maxErrorRate: spec.maxErrorRate,
    probeIntervalMs: spec.probeIntervalMs,
  };
}

/**
 * A machine already busier than its cores gives each process a random share of them: a process
 * pool needs the cores free to show its gain, so its capacity (and every ratio) is understated.
 */
export function busyMachineCaveats(env: { load_average: number[]; cores: number }): string[] {
  const load = env.load_average[0];
  if (!(load > env.cores)) return [];
  return [`measured on a busy machine (load average ${formatNumber(load)} on ${env.cores} cores): the models competed with other work for the cores, so capacities are low and a process pool's gain over a thread pool is understated; measure again when the load average is below the cores`];
}

/**
 * A balanced row's step: the comparison's target (the bundled server, or the --cmd template with
 * its own {port}) started server.processes times behind the balancer (target/kinds/balanced.ts).
 */
function balancedStepSpec(spec: SweepSpec, balancer: BalancerKind): SweepSpec {
  const inner = spec.scenario.target;
  if (inner.kind !== 'bundled' && inner.kind !== 'command') throw new CpdiagError(`a balanced model needs a target cpdiag starts (the bundled server or --cmd), not ${inner.kind}`, EXIT.USAGE);
  return { ...spec, scenario: { ...spec.scenario, target: { kind: 'balanced', balancer, backend: inner } } };
}

export async function executeCompare(opts: ExecuteCompareOptions): Promise<CompareOutcome> {
  const { spec } = opts;
  const startMs = performance.now();
  const target = spec.scenario.target;
  const doc: CompareDocument = {
    schema: COMPARE_SCHEMA,
    cpdiag_version: CPDIAG_VERSION,
    started_at: new Date().toISOString(),
    complete: false,
    environment: captureEnvironment(),
    target: { kind: target.kind, ...('command' in target ? { command: target.command } : {}) },
    models: spec.models,
    workloads: spec.workloads,
    levels: spec.levels,
    level_s: spec.levelS,
    slo: { p99_ms: spec.sloP99Ms, error_rate: spec.maxErrorRate },
    steps: [],
    summaries: [],
    recommendations: [],
    caveats: busyMachineCaveats(captureEnvironment()),
    events: [],
    budget: { planned_s: spec.plannedS, wall_s: 0 },
  };
  opts.progress?.update(doc, true);
  const count = spec.models.length * spec.workloads.length;
  let index = 0;
  let interrupted = false;
  outer: for (const workload of spec.workloads) {
    const sweepSpec = stepSpec(spec, workload);
    for (const model of spec.models) {
      if (opts.signal?.aborted) {
        interrupted = true;
        break outer;
      }
      const settings = settingsOfModel(spec, model);
      const modelSpec = model.balancer ? balancedStepSpec(sweepSpec, model.balancer) : sweepSpec;
      opts.onProgress?.({ stepIndex: index, stepCount: count, workload: workload.name, model: model.label });
      const step = await runSweepStep({
        spec: modelSpec,
        // The step's value is what sizes the model: threads for the pools, processes for a process pool or a balancer.
        value: model.model === 'process-pool' || model.balancer ? settings.processes : settings.thread_pool,
        settings,
        origin: 'plan',
        previous: [],
        signal: opts.signal,
        onLevel: () => opts.progress?.update(doc),
        onLevelStart: (load) => opts.onProgress?.({ stepIndex: index, stepCount: count, workload: workload.name, model: model.label, load }),
      });
      // The step's label names the setting it swept; here the model is what varies.
      if (step.error) step.error = step.error.replace(/^model=\S+/, `${model.label} (${workload.name})`);
      doc.steps.push({ ...step, workload: workload.name, model_label: model.label });
      const summary = summarizeModelStep(step, model, workload.name, { p99Ms: spec.sloP99Ms, maxErrorRate: spec.maxErrorRate });
      doc.summaries.push(summary);
      index++;
      doc.budget.wall_s = roundTo((performance.now() - startMs) / 1000);
      opts.progress?.update(doc, true);
      opts.onStep?.(step, summary, model, workload);
      if (step.status === 'interrupted' || opts.signal?.aborted) {
        interrupted = true;
        break outer;
      }
    }
    doc.recommendations.push(recommendModel(workload, doc.summaries));
  }
  // Made even when interrupted: the finished steps stand.
  doc.findings = findingsFromCompare(doc);
  doc.diagnosis = diagnose(doc.findings);
  doc.complete = !interrupted;
  doc.finished_at = new Date().toISOString();
  doc.budget.wall_s = roundTo((performance.now() - startMs) / 1000);
  opts.progress?.update(doc, true);
  return { doc, interrupted, allFailed: doc.steps.length > 0 && doc.steps.every((s) => s.status === 'failed') };
}
