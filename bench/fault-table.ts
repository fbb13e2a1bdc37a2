// The README's fault table, measured: `node dist/bench/fault-table.js`. Runs each scenario of
// scenarios/faults (cpdiag run, as faults.test.ts does) and, while it runs, inspects the target's
// pid for 2 s (cpdiag inspect, with the bundled server's stats); prints one Markdown row per
// scenario with the cause each ranked first.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile } from '../src/scenario/load-scenario.js';
import { executeRun } from '../src/run/execute-run.js';
import { inspectProcess } from '../src/inspect/run-inspect.js';
import type { Diagnosis } from '../src/diagnose/diagnosis.js';
import { formatConfidence } from '../src/format.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = join(ROOT, 'scenarios/faults');

function first(d: Diagnosis | null | undefined, injected?: string): string {
  const c = d?.causes[0];
  if (c) return `${c.id} (${c.confidence_label}, ${formatConfidence(c.confidence)})`;
  // A cause the inspection cannot observe must be listed as undecided, never guessed: say so.
  const undecided = injected && d?.insufficient_causes?.some((u) => u.id === injected);
  return undecided ? `no cause; ${injected} listed as not judged` : 'no cause';
}

async function main(): Promise<void> {
  console.log('| scenario | cause injected | `run`: first (confidence) | `inspect` during it: first (confidence) |');
  console.log('|---|---|---|---|');
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort()) {
    const scenario = loadScenarioFile(join(DIR, file));
    let inspection: Promise<Diagnosis | null> | undefined;
    const { record } = await executeRun({
      scenario,
      onWindow: (_w, rec) => {
        if (inspection) return;
        inspection = inspectProcess({ pid: rec.target.pid, durationS: 2, intervalMs: 125, statsUrl: `${rec.target.url}/_cpdiag/stats` })
          .then((r) => r.report.diagnosis, () => null);
      },
    });
    const inspected = await inspection;
    console.log(`| ${file} | ${scenario.injects ?? 'none'} | ${first(record.diagnosis)} | ${first(inspected, scenario.injects)} |`);
  }
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(70);
});
