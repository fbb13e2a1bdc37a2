// "Load balancing CherryPy", the generic method, with the real stack: two real CherryPy processes
// (examples/cherrypy/app.py, started from the --cmd template each on its own {port}) behind a real
// nginx upstream, as scenarios/cherrypy-behind-balancer.yaml runs them. Every process serves: each
// one's own CherryPy statistics (/cpstats/data) count requests, and the run reports the spread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { executeRun } from '../../src/run/execute-run.js';
import { findNginx } from '../../src/proxy/nginx.js';

const PYTHON = '/usr/bin/python3';
const skip = !existsSync(PYTHON) ? `${PYTHON} is not installed` : findNginx() === undefined ? 'nginx not installed (apt-get install nginx-light)' : false;

test('two real CherryPy processes behind nginx: each one serves, counted by its own statistics', { skip }, async () => {
  const scenario = loadScenarioFile('scenarios/cherrypy-behind-balancer.yaml');
  scenario.load = { ...scenario.load, connections: 4, duration_s: 1, warmup_s: 0.3 };
  scenario.probes = { ...scenario.probes, interval_ms: 100 };
  const { record } = await executeRun({ scenario });
  assert.equal(record.summary!.errors.total, 0, JSON.stringify(record.summary!.errors));
  const b = record.target.balancer!;
  assert.equal(b.kind, 'nginx');
  assert.equal(b.backends.length, 2);
  assert.notEqual(b.backends[0].url, b.backends[1].url, 'each on its own port');
  const counts = b.requests_per_backend;
  assert.ok(counts && counts.length === 2, JSON.stringify(b));
  for (const n of counts) assert.ok(n > 0, `every CherryPy process serves: ${counts.join(' / ')}`);
  assert.ok(b.skew !== undefined && b.cpu_ms_per_request !== undefined, JSON.stringify(b));
});
