// The ground truth of the diagnosis: each fault scenario injects one cause on the bundled server
// (plus nginx where needed); the top-ranked cause must be the injected one, and the healthy
// service must yield no cause.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { executeRun } from '../../src/run/execute-run.js';

const dir = 'scenarios/faults';

for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
  test(`fault scenario ${file}: the injected cause ranks first`, async () => {
    const scenario = loadScenarioFile(join(dir, file));
    const { record } = await executeRun({ scenario });
    const causes = record.diagnosis!.causes;
    const ranked = causes.map((c) => `${c.id} (${c.confidence.toFixed(2)})`).join(', ') || 'no causes';
    if (scenario.injects === 'none') {
      assert.equal(causes.length, 0, `healthy service: expected no cause, got ${ranked}`);
    } else {
      assert.equal(causes[0]?.id, scenario.injects, `expected ${scenario.injects} first, got ${ranked}`);
    }
  });
}
