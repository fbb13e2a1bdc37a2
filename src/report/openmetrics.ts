// Metric families as text: the OpenMetrics 1.0 exposition format (what Prometheus asks for first,
// and what a metrics file holds: timestamps in seconds, `# UNIT`, counters as `name_total`,
// `# EOF` at the end), and the classic Prometheus text format 0.0.4 (what curl, promtool and older
// scrapers read: no UNIT, counters typed under their `_total` name, timestamps in milliseconds).
// Both come from the same families, so the names, labels and values are the same.
// Sources: OpenMetrics specification 1.0 ("Text format", "Metric types", "Units and base units");
// Prometheus "Exposition formats" (text-based format) and "Metric and label naming".

export type MetricType = 'gauge' | 'counter';

export interface MetricSample {
  labels: Record<string, string>;
  value: number;
  /** Unix time in seconds; omitted for a live scrape (the scraper stamps it). */
  timestampS?: number;
}

export interface MetricFamily {
  /** The family name: with the unit suffix, without `_total` for counters. */
  name: string;
  type: MetricType;
  /** A base unit (bytes, seconds, ratio): the name must end with `_<unit>`. */
  unit?: string;
  help: string;
  samples: MetricSample[];
}

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
export const PROMETHEUS_TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Refuses a family that no scraper would accept: a bug in cpdiag, not bad input. */
function checkFamily(f: MetricFamily): void {
  if (!NAME.test(f.name)) throw new Error(`metric name ${f.name} is not valid`);
  if (f.type === 'counter' && f.name.endsWith('_total')) throw new Error(`counter ${f.name}: the family name has no _total`);
  if (f.unit && !f.name.endsWith(`_${f.unit}`)) throw new Error(`metric ${f.name} must end with its unit _${f.unit}`);
  for (const s of f.samples) {
    for (const k of Object.keys(s.labels)) if (!LABEL.test(k) || k.startsWith('__')) throw new Error(`${f.name}: label ${k} is not valid`);
  }
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/**
 * The samples of a family grouped per label set (each set's points together, in time order), as
 * both formats require; samples a counter cannot hold (negative, not finite) are left out.
 */
function orderedSamples(f: MetricFamily): MetricSample[] {
  const groups = new Map<string, MetricSample[]>();
  for (const s of f.samples) {
    if (f.type === 'counter' && !(Number.isFinite(s.value) && s.value >= 0)) continue;
    if (!Number.isFinite(s.value)) continue;
    const key = formatLabels(s.labels);
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  return [...groups.values()].flatMap((g) => g.sort((a, b) => (a.timestampS ?? 0) - (b.timestampS ?? 0)));
}

function checkUnique(families: MetricFamily[]): void {
  const seen = new Set<string>();
  for (const f of families) {
    checkFamily(f);
    if (seen.has(f.name)) throw new Error(`metric family ${f.name} appears twice`);
    seen.add(f.name);
  }
}

/** OpenMetrics text: HELP, TYPE and UNIT per family, `name_total` samples for counters, `# EOF` last. */
export function renderOpenMetrics(families: MetricFamily[]): string {
  checkUnique(families);
  const lines: string[] = [];
  for (const f of families) {
    const samples = orderedSamples(f);
    if (samples.length === 0) continue;
    lines.push(`# TYPE ${f.name} ${f.type}`);
    if (f.unit) lines.push(`# UNIT ${f.name} ${f.unit}`);
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`);
    const sampleName = f.type === 'counter' ? `${f.name}_total` : f.name;
    for (const s of samples) {
      // OpenMetrics timestamps are seconds; three decimals keep milliseconds.
      const ts = s.timestampS !== undefined ? ` ${s.timestampS.toFixed(3)}` : '';
      lines.push(`${sampleName}${formatLabels(s.labels)} ${formatValue(s.value)}${ts}`);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/** The classic Prometheus text format (0.0.4), for scrapers and tools that do not read OpenMetrics. */
export function renderPrometheusText(families: MetricFamily[]): string {
  checkUnique(families);
  const lines: string[] = [];
  for (const f of families) {
    const samples = orderedSamples(f);
    if (samples.length === 0) continue;
    const name = f.type === 'counter' ? `${f.name}_total` : f.name;
    lines.push(`# HELP ${name} ${escapeHelp(f.help)}`);
    lines.push(`# TYPE ${name} ${f.type}`);
    for (const s of samples) {
      const ts = s.timestampS !== undefined ? ` ${Math.round(s.timestampS * 1000)}` : '';
      lines.push(`${name}${formatLabels(s.labels)} ${formatValue(s.value)}${ts}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Which format an HTTP Accept header asks for: OpenMetrics when it names it with a weight above
 * the text format's (Prometheus sends both, OpenMetrics first), else the classic text format.
 */
export function negotiateMetricsFormat(accept: string | undefined): 'openmetrics' | 'prometheus' {
  if (!accept) return 'prometheus';
  let open = -1;
  let text = -1;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().split(';').map((p) => p.trim());
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    const weight = Number.isFinite(q) ? q : 0;
    if (type === 'application/openmetrics-text') open = Math.max(open, weight);
    else if (type === 'text/plain' || type === '*/*') text = Math.max(text, weight);
  }
  return open > 0 && open >= text ? 'openmetrics' : 'prometheus';
}
