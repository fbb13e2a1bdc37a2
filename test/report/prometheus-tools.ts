// Prometheus's own tools as the judges of cpdiag's metrics: promtool (lint of the text format,
// strict OpenMetrics import) and a real Prometheus server. CI installs Debian's prometheus package;
// when the tools are missing the tests fail with the reason (they prove nothing without them).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMTOOL = '/usr/bin/promtool';
export const PROMETHEUS = '/usr/bin/prometheus';

export function assertPrometheusTools(): void {
  for (const tool of [PROMTOOL, PROMETHEUS]) {
    assert.ok(existsSync(tool), `${tool} is missing: these tests check the metrics with Prometheus's own tools (apt-get install prometheus)`);
  }
}

/** `promtool check metrics` on the classic text format: exit code and what it complained about. */
export function promtoolCheckMetrics(text: string): { code: number | null; output: string } {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

/** `promtool tsdb create-blocks-from openmetrics`: Prometheus's strict OpenMetrics parser, with timestamps. */
export function promtoolImportOpenMetrics(text: string): { code: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-promtool-'));
  try {
    const file = join(dir, 'metrics.om');
    writeFileSync(file, text);
    const r = spawnSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', file, join(dir, 'blocks')], { encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
