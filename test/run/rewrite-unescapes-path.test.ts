// The rewrite bug of "CherryPy behind Apache with mod_rewrite", end to end through a real apache2:
// scenarios/faults/rewrite-unescapes-path.yaml ([P,NE]) is diagnosed as raw-space-request-line
// first, tied to Apache by its logs; the same scenario with the escape map, or with ProxyPass, has
// no cause. Once on the bundled server, once on the real CherryPy example (examples/cherrypy/app.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { executeRun } from '../../src/run/execute-run.js';
import { findApache } from '../../src/proxy/apache.js';
import type { Scenario } from '../../src/scenario/schema.js';

const FILE = 'scenarios/faults/rewrite-unescapes-path.yaml';
const SKIP_APACHE = findApache() === undefined && 'apache2 not installed (apt-get install apache2)';
const HAVE_CHERRYPY = existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import cherrypy']).status === 0;
const SKIP_CHERRYPY = SKIP_APACHE || (!HAVE_CHERRYPY && 'python3-cherrypy3 not installed');
if (SKIP_APACHE) console.log(`# skipping: ${SKIP_APACHE}`);
if (!HAVE_CHERRYPY) console.log('# skipping the CherryPy case: python3-cherrypy3 not installed');

const CHERRYPY_TARGET = {
  kind: 'command' as const,
  command: '/usr/bin/python3 examples/cherrypy/app.py --port {port} --thread-pool {thread_pool}',
  ready_path: '/healthz',
};

async function diagnoseVariant(patch: (s: Scenario) => void): Promise<{ ids: string[]; scenario: Scenario; evidence: string[]; proxy: Record<string, unknown> }> {
  const scenario = loadScenarioFile(FILE);
  scenario.load.duration_s = 1;
  patch(scenario);
  const { record } = await executeRun({ scenario });
  const causes = record.diagnosis!.causes;
  return {
    ids: causes.map((c) => c.id),
    scenario,
    evidence: causes[0]?.evidence.map((e) => e.text) ?? [],
    proxy: record.target.proxy as unknown as Record<string, unknown>,
  };
}

for (const [backend, skip, patchTarget] of [
  ['bundled server', SKIP_APACHE, () => undefined],
  ['CherryPy example', SKIP_CHERRYPY, (s: Scenario) => { (s as { target: unknown }).target = CHERRYPY_TARGET; }],
] as const) {
  test(`${backend} behind Apache RewriteRule [P,NE]: raw-space-request-line first, tied to Apache's logs`, { skip }, async () => {
    const r = await diagnoseVariant(patchTarget);
    assert.equal(r.ids[0], 'raw-space-request-line', `got ${r.ids.join(', ') || 'no cause'}`);
    assert.ok((r.proxy.escaped_rejected as number) > 0, JSON.stringify(r.proxy));
    assert.ok(r.evidence.some((t) => t.includes('/work%20x')), r.evidence.join(' | '));
  });

  test(`${backend}: the same scenario with the escape map, or with ProxyPass, has no cause`, { skip }, async () => {
    for (const fix of [(s: Scenario) => { s.proxy!.apache_escape_fix = true; }, (s: Scenario) => { s.proxy!.apache_style = 'proxypass'; }]) {
      const r = await diagnoseVariant((s) => { patchTarget(s); fix(s); });
      assert.deepEqual(r.ids, [], `${JSON.stringify(r.scenario.proxy)}: ${r.ids.join(', ')}`);
      assert.equal(r.proxy.escaped_rejected, 0);
    }
  });
}
