// Gate budgets as people write them: "p95 +10%", "throughput -5%", "error_rate +0.5pp",
// "fd_slope 0". Parsing is pure and every refusal names the spec and says what would be accepted,
// so a typo in a CI config fails the job at once (exit 2) instead of gating on nothing.
import { CpdiagError, EXIT } from '../exit-codes.js';

/** Which way is worse. Latency, errors and resource growth: up is worse. Throughput: down is worse. */
export type MetricDirection = 'lower_is_better' | 'higher_is_better';

/**
 * How the budget is measured:
 * - relative: a fraction of A's value (0.10 = 10%), for latencies and throughput;
 * - absolute: in the metric's own unit (percentage points of error rate as a fraction, ms);
 * - slope: a ceiling on B's own growth rate per second (0 = any material, significant growth fails).
 */
export type ToleranceKind = 'relative' | 'absolute' | 'slope';

export type GateMetricName =
  | 'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'mean'
  | 'throughput' | 'goodput' | 'capacity'
  | 'error_rate'
  | 'rss_slope' | 'fd_slope' | 'thread_slope';

interface MetricDefinition {
  name: GateMetricName;
  direction: MetricDirection;
  unit: string;
  /** Budget kinds that make sense for this metric (the first is what a bare number means). */
  kinds: ToleranceKind[];
  help: string;
}

export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  { name: 'p50', direction: 'lower_is_better', unit: 'ms', kinds: ['relative', 'absolute'], help: 'median latency' },
  { name: 'p90', direction: 'lower_is_better', unit: 'ms', kinds: ['relative', 'absolute'], help: '90th percentile latency' },
  { name: 'p95', direction: 'lower_is_better', unit: 'ms', kinds: ['relative', 'absolute'], help: '95th percentile latency' },
  { name: 'p99', direction: 'lower_is_better', unit: 'ms', kinds: ['relative', 'absolute'], help: '99th percentile latency' },
  { name: 'p999', direction: 'lower_is_better', unit: 'ms', kinds: ['relative', 'absolute'], help: '99.9th percentile latency' },
  { name: 'mean', direction: 'lower_is_better', unit: 'ms', kinds: ['relative', 'absolute'], help: 'mean latency' },
  { name: 'throughput', direction: 'higher_is_better', unit: 'req/s', kinds: ['relative', 'absolute'], help: 'completed responses per second' },
  { name: 'goodput', direction: 'higher_is_better', unit: 'req/s', kinds: ['relative', 'absolute'], help: 'successful (2xx/3xx) responses per second' },
  // In a closed loop with enough connections the throughput is the capacity; the name is
  // accepted so that a budget can say what it means.
  { name: 'capacity', direction: 'higher_is_better', unit: 'req/s', kinds: ['relative', 'absolute'], help: 'throughput under a saturating closed loop' },
  { name: 'error_rate', direction: 'lower_is_better', unit: 'share', kinds: ['absolute'], help: 'errors / requests' },
  { name: 'rss_slope', direction: 'lower_is_better', unit: 'B/s', kinds: ['slope'], help: 'resident memory growth of the target' },
  { name: 'fd_slope', direction: 'lower_is_better', unit: 'fds/s', kinds: ['slope'], help: 'open file descriptor growth of the target' },
  { name: 'thread_slope', direction: 'lower_is_better', unit: 'threads/s', kinds: ['slope'], help: 'thread count growth of the target' },
];

export interface MetricSpec {
  /** Label used in reports and as the JUnit test case name (defaults to the metric name). */
  label: string;
  metric: GateMetricName;
  direction: MetricDirection;
  kind: ToleranceKind;
  /**
   * The tolerated change, always as a non-negative magnitude in the worse direction:
   * relative → fraction (0.1), absolute → unit value (error_rate as a fraction: 0.005 for 0.5pp;
   * latencies in ms, throughput in req/s), slope → unit per second.
   */
  tolerance: number;
  unit: string;
  /** The spec as written, normalised ("p95 +10%"). */
  text: string;
}

/**
 * Used when neither the scenario nor the flags declare metrics. p50 carries the tight budget
 * because it is the stable statistic of a short run; p99 rests on ~1% of a few thousand requests
 * and moves more between identical runs, so it gets twice the room. Throughput has the same 10%
 * as p50. Errors: half a percentage point. Descriptors and threads: any material steady growth is
 * a leak (cheroot's pool never grows).
 */
export const DEFAULT_METRIC_SPECS: readonly string[] = [
  'p50 +10%',
  'p99 +20%',
  'throughput -10%',
  'error_rate +0.5pp',
  'fd_slope 0',
  'thread_slope 0',
];

const MIB = 1024 * 1024;
const SLOPE_UNITS: Record<string, number> = { '': 1, '/s': 1, 'b/s': 1, 'kib/s': 1024, 'mib/s': MIB, 'kb/s': 1000, 'mb/s': 1e6 };

function definitionOf(name: string): MetricDefinition | undefined {
  const n = name.toLowerCase().replace(/-/g, '_');
  const alias: Record<string, GateMetricName> = { rps: 'throughput', errors: 'error_rate', median: 'p50', p99_9: 'p999', fds_slope: 'fd_slope', threads_slope: 'thread_slope' };
  return METRIC_DEFINITIONS.find((d) => d.name === (alias[n] ?? n));
}

function refuse(text: string, why: string): never {
  throw new CpdiagError(`metric "${text}": ${why}`, EXIT.USAGE, `e.g. 'p95 +10%', 'throughput -5%', 'error_rate +0.5pp', 'p99 +5ms', 'fd_slope 0'; metrics: ${METRIC_DEFINITIONS.map((d) => d.name).join(', ')}`);
}

/**
 * Parses one budget. Grammar: `METRIC [SIGN]NUMBER[UNIT]`, or `METRIC` alone for its default
 * budget. The sign, when given, must point in the metric's worse direction (+ for latency, − for
 * throughput): a sign the other way almost always means a misunderstanding, so it is refused.
 */
export function parseMetricSpec(text: string, label?: string): MetricSpec {
  const trimmed = text.trim();
  const m = /^([A-Za-z][A-Za-z0-9_.-]*)(?:\s*[:=]?\s*(.*))?$/.exec(trimmed);
  if (!m) refuse(text, 'expected a metric name followed by a budget');
  const def = definitionOf(m[1]);
  if (!def) refuse(text, `unknown metric "${m[1]}"`);
  const rest = (m[2] ?? '').replace(/\s+/g, '');
  if (rest === '') {
    const fallback = DEFAULT_METRIC_SPECS.find((s) => s.split(' ')[0] === def.name) ?? defaultBudgetFor(def);
    return { ...parseMetricSpec(fallback), label: label ?? def.name };
  }
  const b = /^([+-])?(\d+(?:\.\d+)?|\.\d+)([A-Za-z%/]*(?:\/s)?)$/.exec(rest);
  if (!b) refuse(text, `cannot read the budget "${m[2]}"`);
  const sign = b[1];
  const value = Number(b[2]);
  const unit = b[3].toLowerCase();
  if (!Number.isFinite(value)) refuse(text, 'the budget is not a number');
  if (sign) {
    const worse = def.direction === 'lower_is_better' ? '+' : '-';
    if (sign !== worse) {
      refuse(text, `${def.name} is ${def.direction === 'lower_is_better' ? 'lower' : 'higher'}-is-better, so its budget is how much it may ${worse === '+' ? 'rise' : 'fall'}: write ${def.name} ${worse}${b[2]}${b[3]}`);
    }
  }
  let kind: ToleranceKind;
  let tolerance: number;
  let outUnit = def.unit;
  if (def.kinds[0] === 'slope') {
    if (!(unit in SLOPE_UNITS)) refuse(text, `${def.name} is a growth rate: give it per second, e.g. ${def.name} 0 or ${def.name === 'rss_slope' ? 'rss_slope 1MiB/s' : `${def.name} 0.5/s`}`);
    if ((unit === 'kib/s' || unit === 'mib/s' || unit === 'kb/s' || unit === 'mb/s' || unit === 'b/s') && def.name !== 'rss_slope') refuse(text, `byte units only apply to rss_slope`);
    kind = 'slope';
    tolerance = value * SLOPE_UNITS[unit];
  } else if (unit === '%') {
    if (!def.kinds.includes('relative')) refuse(text, `${def.name} is a share already: give its budget in percentage points, e.g. ${def.name} +0.5pp`);
    if (def.direction === 'higher_is_better' && value >= 100) refuse(text, 'a fall of 100% or more would tolerate anything');
    kind = 'relative';
    tolerance = value / 100;
    outUnit = '%';
  } else if (unit === 'pp') {
    if (def.name !== 'error_rate') refuse(text, 'percentage points (pp) only apply to error_rate');
    kind = 'absolute';
    tolerance = value / 100;
  } else if (unit === 'ms' || unit === 's' || unit === 'us') {
    if (def.unit !== 'ms') refuse(text, `${def.name} is not a latency: ${unit} does not apply`);
    kind = 'absolute';
    tolerance = unit === 's' ? value * 1000 : unit === 'us' ? value / 1000 : value;
  } else if (unit === 'rps' || unit === 'req/s') {
    if (def.unit !== 'req/s') refuse(text, `${def.name} is not a rate: ${unit} does not apply`);
    kind = 'absolute';
    tolerance = value;
  } else if (unit === '') {
    if (def.name === 'error_rate') {
      // A bare number for a share is read as a fraction only when it looks like one.
      if (value > 1) refuse(text, 'error_rate is a share: write +0.5pp or +0.005');
      kind = 'absolute';
      tolerance = value;
    } else if (value === 0) {
      // "p95 0": no tolerated change at all — significance alone decides.
      kind = def.kinds[0];
      tolerance = 0;
      if (kind === 'relative') outUnit = '%';
    } else {
      refuse(text, `give the budget a unit: % for a relative change${def.unit === 'ms' ? ', ms for an absolute one' : def.unit === 'req/s' ? ', rps for an absolute one' : ''}`);
    }
  } else {
    refuse(text, `unknown unit "${b[3]}"`);
  }
  return {
    label: label ?? def.name,
    metric: def.name,
    direction: def.direction,
    kind,
    tolerance,
    unit: outUnit,
    text: formatSpec(def, kind, tolerance),
  };
}

function defaultBudgetFor(def: MetricDefinition): string {
  if (def.kinds[0] === 'slope') return `${def.name} 0`;
  if (def.name === 'error_rate') return 'error_rate +0.5pp';
  if (def.direction === 'higher_is_better') return `${def.name} -10%`;
  return `${def.name} ${def.name === 'p50' || def.name === 'mean' ? '+10%' : '+20%'}`;
}

function trimNumber(n: number): string {
  return String(Number(n.toPrecision(6)));
}

function formatSpec(def: MetricDefinition, kind: ToleranceKind, tolerance: number): string {
  const sign = def.direction === 'lower_is_better' ? '+' : '-';
  switch (kind) {
    case 'relative':
      return `${def.name} ${sign}${trimNumber(tolerance * 100)}%`;
    case 'absolute':
      if (def.name === 'error_rate') return `${def.name} ${sign}${trimNumber(tolerance * 100)}pp`;
      return `${def.name} ${sign}${trimNumber(tolerance)}${def.unit === 'ms' ? 'ms' : 'rps'}`;
    case 'slope':
      if (tolerance === 0) return `${def.name} 0`;
      if (def.name === 'rss_slope') return `${def.name} ${trimNumber(tolerance / MIB)}MiB/s`;
      return `${def.name} ${trimNumber(tolerance)}/s`;
  }
}

/**
 * The scenario's `gate.metrics` map. Either `{p95: "+10%"}` (key = metric, value = budget) or
 * `{"api latency": "p95 +10%"}` (key = label, value = full spec).
 */
export function parseMetricMap(map: Record<string, string>): MetricSpec[] {
  return Object.entries(map).map(([key, value]) => {
    const v = String(value).trim();
    const keyDef = definitionOf(key);
    const valueNamesMetric = /^[A-Za-z]/.test(v) && definitionOf(v.split(/[\s:=]/)[0]) !== undefined;
    if (valueNamesMetric) return parseMetricSpec(v, keyDef && keyDef.name === definitionOf(v.split(/[\s:=]/)[0])!.name ? keyDef.name : key);
    if (!keyDef) refuse(`${key}: ${v}`, `"${key}" is not a metric; write either ${'{'}p95: "+10%"} or ${'{'}"label": "p95 +10%"}`);
    return parseMetricSpec(`${keyDef.name} ${v}`, keyDef.name);
  });
}

/**
 * The budgets in force: flags win over the scenario, which wins over the defaults. Two budgets
 * with the same label are refused (a JUnit report needs unique test case names).
 */
export function resolveMetricSpecs(flagSpecs: readonly string[] | undefined, scenarioMap: Record<string, string> | undefined): MetricSpec[] {
  let specs: MetricSpec[];
  if (flagSpecs && flagSpecs.length > 0) specs = flagSpecs.map((s) => parseMetricSpec(s));
  else if (scenarioMap && Object.keys(scenarioMap).length > 0) specs = parseMetricMap(scenarioMap);
  else specs = DEFAULT_METRIC_SPECS.map((s) => parseMetricSpec(s));
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.label)) throw new CpdiagError(`metric "${s.label}" is declared twice`, EXIT.USAGE, 'give each budget once');
    seen.add(s.label);
  }
  return specs;
}
