// A baseline is only comparable with runs of the same workload. The fingerprint hashes what shapes
// the numbers (server settings, load, request mix, slow clients, proxy, probe interval) and
// deliberately leaves out what a gate is allowed to change: the target (old and new builds run
// different commands), the name and description, the SLO, and the gate section itself (budgets
// and run counts can change without re-recording a baseline).
import { createHash } from 'node:crypto';
import { resolveSettings } from '../config/settings.js';
import type { Scenario } from '../scenario/schema.js';

/** Keys sorted at every level, so that the same workload always hashes alike. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as Record<string, unknown>).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

export function workloadOf(scenario: Scenario): Record<string, unknown> {
  // Settings resolved against the defaults: "thread_pool: 10" and no entry are the same workload.
  // The port is the target's business (0 = any free one), not the workload's.
  const { socket_port: _port, ...settings } = resolveSettings(scenario.settings);
  return canonical({
    settings,
    load: scenario.load,
    mix: scenario.mix,
    slow_clients: scenario.slow_clients ?? null,
    proxy: scenario.proxy ?? null,
    probe_interval_ms: scenario.probes.interval_ms,
  }) as Record<string, unknown>;
}

export function fingerprintWorkload(workload: Record<string, unknown>): string {
  return 'sha256:' + createHash('sha256').update(JSON.stringify(canonical(workload))).digest('hex').slice(0, 32);
}

export function fingerprintScenario(scenario: Scenario): string {
  return fingerprintWorkload(workloadOf(scenario));
}

/** Leaf paths whose values differ, e.g. ["load.duration_s: baseline 5, now 2"]. At most `max`. */
export function diffWorkloads(baseline: unknown, current: unknown, max = 5): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (out.length >= max) return;
    const isObj = (x: unknown) => x !== null && typeof x === 'object';
    if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
      const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
      for (const k of [...keys].sort()) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path || '(workload)'}: baseline ${show(a)}, now ${show(b)}`);
  };
  walk(baseline, current, '');
  return out;
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const text = JSON.stringify(v);
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}
