// docs/diagnosis.md documents every cause and detector: a renamed or added one must be written up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CAUSES } from '../../src/diagnose/causes.js';
import { DETECTORS } from '../../src/diagnose/detector-registry.js';
import { HIGH_CONFIDENCE, MEDIUM_CONFIDENCE, MIN_REPORTED_CONFIDENCE } from '../../src/diagnose/diagnose.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/diagnosis.md', import.meta.url)), 'utf8');

test('docs/diagnosis.md names every cause and every detector', () => {
  for (const c of CAUSES) assert.ok(doc.includes(`\`${c.id}\``), `cause ${c.id}`);
  for (const d of DETECTORS) assert.ok(doc.includes(`\`${d.id}\``), `detector ${d.id}`);
});

test('docs/diagnosis.md states the thresholds the code uses', () => {
  assert.ok(doc.includes(`\`high\` ≥ ${HIGH_CONFIDENCE}`));
  assert.ok(doc.includes(`\`medium\` ≥ ${MEDIUM_CONFIDENCE}`));
  assert.ok(doc.includes(`at least ${MIN_REPORTED_CONFIDENCE}`));
});
