import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseMachineCpu } from '../../src/probe/parse-machine-cpu.js';
import { readMachineCpu, splitMachineCpu } from '../../src/probe/machine-cpu.js';

// Captured on the development machine (2 CPUs, a VM: steal is non-zero).
const CAPTURED = `cpu  609876 242 76233 97739 1291 0 2872 5609 0 0
cpu0 303987 102 37684 50951 376 0 1065 2688 0 0
cpu1 305889 140 38549 46788 914 0 1807 2920 0 0
intr 1 2 3
ctxt 123
`;

test('/proc/stat: busy is user+nice+system+irq+softirq+steal, idle is idle+iowait', () => {
  const t = parseMachineCpu(CAPTURED);
  assert.equal(t.busyTicks, 609876 + 242 + 76233 + 0 + 2872 + 5609);
  assert.equal(t.idleTicks, 97739 + 1291);
  assert.equal(t.totalTicks, t.busyTicks + t.idleTicks);
  assert.equal(t.cpus, 2);
  // An old kernel's 4-field line: the missing kinds count as 0.
  assert.equal(parseMachineCpu('cpu 10 0 5 85\ncpu0 10 0 5 85\n').busyTicks, 15);
  assert.throws(() => parseMachineCpu('intr 1\n'), /no "cpu" line/);
  assert.throws(() => parseMachineCpu('cpu 1 2\n'), /truncated/);
});

test('the live /proc/stat parses, and its counters only grow', async () => {
  const text = readFileSync('/proc/stat', 'latin1');
  const a = parseMachineCpu(text);
  assert.ok(a.cpus >= 1 && a.totalTicks > 0);
  // Keep a CPU busy for a moment so that the counters move.
  const end = Date.now() + 60;
  while (Date.now() < end) { /* spin */ }
  await new Promise((r) => setTimeout(r, 30));
  const b = readMachineCpu()!;
  assert.ok(b.totalTicks >= a.totalTicks && b.busyTicks >= a.busyTicks);
  assert.equal(readMachineCpu('/nonexistent-proc'), undefined);
});

test('the split: target, cpdiag and the rest, as shares of the whole machine', () => {
  const before = { busyTicks: 1000, idleTicks: 1000, totalTicks: 2000, cpus: 2 };
  // 1 s on 2 CPUs = 200 ticks; 180 busy (90%).
  const after = { busyTicks: 1180, idleTicks: 1020, totalTicks: 2200, cpus: 2 };
  const split = splitMachineCpu(before, after, { targetCores: 0.8, cpdiagCpuS: 0.2, wallS: 1 })!;
  assert.equal(split.busy_share, 0.9);
  assert.equal(split.target_share, 0.4);
  assert.equal(split.cpdiag_share, 0.1);
  assert.ok(Math.abs(split.other_share - 0.4) < 1e-12);
  // Clocks disagree: the parts never add up to more than the machine was busy.
  const capped = splitMachineCpu(before, { ...after, busyTicks: 1100, idleTicks: 1100 }, { targetCores: 1.5, cpdiagCpuS: 0.5, wallS: 1 })!;
  assert.equal(capped.busy_share, 0.5);
  assert.equal(capped.target_share + capped.cpdiag_share + capped.other_share, 0.5);
  assert.equal(splitMachineCpu(before, before, { targetCores: 1, cpdiagCpuS: 0, wallS: 1 }), undefined);
});
