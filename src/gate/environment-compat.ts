// Numbers recorded on another machine are not comparable: a baseline from a 16-core CI runner
// says nothing about a 2-core laptop. These are the differences that move latency and throughput
// by more than any budget; smaller ones (kernel patch level, load average) are not checked.
import type { Environment } from '../environment.js';

export interface CompatibilityIssue {
  field: 'cpu_model' | 'cores' | 'cpdiag_major' | 'node_major';
  baseline: string;
  current: string;
}

function major(version: string): string {
  return version.replace(/^v/, '').split('.')[0] ?? version;
}

/** Pure: compares the baseline's machine and cpdiag version with the current ones. */
export function compareEnvironments(
  baseline: Environment,
  baselineVersion: string,
  current: Environment,
  currentVersion: string,
): CompatibilityIssue[] {
  const issues: CompatibilityIssue[] = [];
  if (baseline.cpu_model !== current.cpu_model) issues.push({ field: 'cpu_model', baseline: baseline.cpu_model, current: current.cpu_model });
  if (baseline.cores !== current.cores) issues.push({ field: 'cores', baseline: String(baseline.cores), current: String(current.cores) });
  // A new cpdiag major may measure differently (load engine, percentiles); minors must not.
  if (major(baselineVersion) !== major(currentVersion)) issues.push({ field: 'cpdiag_major', baseline: baselineVersion, current: currentVersion });
  // The node major changes the load generator's own costs, which sit inside every latency.
  if (major(baseline.node_version) !== major(current.node_version)) issues.push({ field: 'node_major', baseline: baseline.node_version, current: current.node_version });
  return issues;
}

export function describeIssue(issue: CompatibilityIssue): string {
  const what = { cpu_model: 'CPU model', cores: 'core count', cpdiag_major: 'cpdiag major version', node_major: 'Node.js major version' }[issue.field];
  return `${what} differs: baseline ${issue.baseline}, here ${issue.current}`;
}
