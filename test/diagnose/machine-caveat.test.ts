// The measurement's caveat: other processes holding a used-up machine's CPU is said beside the
// causes (every view), never ranked among them; a quiet machine, or one busy with the target and
// cpdiag alone, gets none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chalk } from 'chalk';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { machineCaveats } from '../../src/diagnose/machine-caveat.js';
import { renderDiagnosisText } from '../../src/report/diagnosis-text.js';
import { renderDiagnosisMarkdown } from '../../src/report/diagnosis-markdown.js';
import { healthyFindings } from './fixtures.js';

const plain = new Chalk({ level: 0 });

test('other processes holding a used-up machine: a caveat with the split, in text and Markdown; the causes unchanged', () => {
  const f = healthyFindings();
  const before = diagnose(f);
  f.machine_cpu = { cpus: 2, busy_share: 0.97, target_share: 0.3, cpdiag_share: 0.12, other_share: 0.55 };
  const d = diagnose(f);
  assert.equal(d.caveats?.length, 1);
  assert.match(d.caveats![0].text, /other processes held 55% of this machine's CPU/);
  assert.match(d.caveats![0].text, /the target 30%, cpdiag 12%/);
  assert.deepEqual(d.causes.map((c) => c.id), before.causes.map((c) => c.id));
  assert.match(renderDiagnosisText(d, plain), /Caveat on this measurement: other processes held 55%/);
  assert.match(renderDiagnosisMarkdown(d), /\*\*Caveat on this measurement:\*\* other processes held 55%/);
});

test('no caveat on a machine with CPU to spare, or used up by the target and cpdiag alone, or without the split', () => {
  const f = healthyFindings();
  assert.deepEqual(machineCaveats(f), []);
  f.machine_cpu = { cpus: 2, busy_share: 0.6, target_share: 0.2, cpdiag_share: 0.1, other_share: 0.3 };
  assert.deepEqual(machineCaveats(f), [], 'a machine 60% busy had CPU to spare');
  f.machine_cpu = { cpus: 2, busy_share: 0.95, target_share: 0.6, cpdiag_share: 0.25, other_share: 0.1 };
  assert.deepEqual(machineCaveats(f), [], 'the target and its load generator used the machine up');
  assert.equal(diagnose(f).caveats, undefined);
});
