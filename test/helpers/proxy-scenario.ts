// Running a scenario file through a real proxy in a test: whether nginx and apache2 are here (a
// test without them skips and says why), and one run of the file with a change, reduced to the
// ranked cause ids and the record.
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { executeRun } from '../../src/run/execute-run.js';
import { findApache } from '../../src/proxy/apache.js';
import { findNginx } from '../../src/proxy/nginx.js';
import type { Scenario } from '../../src/scenario/schema.js';
import type { RunRecord } from '../../src/run/run-record.js';

export const SKIP_APACHE = findApache() === undefined && 'apache2 not installed (apt-get install apache2)';
export const SKIP_NGINX = findNginx() === undefined && 'nginx not installed (apt-get install nginx-light)';
if (SKIP_APACHE) console.log(`# skipping the Apache cases: ${SKIP_APACHE}`);
if (SKIP_NGINX) console.log(`# skipping the nginx cases: ${SKIP_NGINX}`);

export async function runScenarioFile(file: string, patch: (s: Scenario) => void): Promise<{ ids: string[]; record: RunRecord }> {
  const scenario = loadScenarioFile(file);
  patch(scenario);
  const { record } = await executeRun({ scenario });
  return { ids: record.diagnosis!.causes.map((c) => c.id), record };
}
