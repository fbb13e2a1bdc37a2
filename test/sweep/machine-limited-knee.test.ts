// Where a plateau starts (plateau-start.ts): the roofline
// knee, not the smallest value "within noise of the best". Replayed on the ten sweeps measured by
// `npm run bench:sweep-stability` (test/fixtures/sweep-stability-quiet-machine.json, from
// docs/sweep.md), and simulated over plateaus, slopes and contention noise the fixture does not
// span, so that the rule is judged on more than the runs it was written after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compareCapacities } from '../../src/analysis/capacity-comparison.js';
import { analyzeSweep, groupByValue, sweepKnee, type AnalyzeOptions } from '../../src/sweep/analyze-sweep.js';
import { plateauStart, rooflineKneeValue } from '../../src/sweep/plateau-start.js';
import type { SweepStep } from '../../src/sweep/sweep-document.js';
import { mulberry32, normalDraw, type Rng } from '../../src/random.js';
import { disagreements, rangeAgreesWith, rangeContainsValue, type RunAnswer } from '../../bench/range-agreement.js';
import { stepWith, withMachine } from './synthetic-doc.js';

const fixture = (name: string) => (JSON.parse(readFileSync(fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url)), 'utf8')) as { runs: MeasuredRun[] }).runs;
const OPTS: AnalyzeOptions = { setting: 'thread_pool', sloP99Ms: 250, maxErrorRate: 0.01, mixPaths: ['GET /work?io_ms=20&cpu_ms=1'], levelS: 1, plannedValues: [2, 4, 8, 16, 32, 64] };

interface MeasuredRun { run: string; machine_limited: boolean; recommended: number; capacities: Record<string, number[]> }
/** The full 5 + 5 before the knee rule (every lower end from the comparison). */
const measured = fixture('sweep-stability-quiet-machine.json');
/** The full 5 + 5 with the knee rule for machine-limited plateaus only (quiet ones still from the comparison). */
const measuredKneeRule = fixture('sweep-stability-knee-rule.json');

/** A measured run as steps: the first run at a value planned, the rest repeats; the machine's CPU as the bench saw it (busy with 42% other, or with room). */
function stepsOf(run: MeasuredRun): SweepStep[] {
  return Object.entries(run.capacities).flatMap(([v, caps]) => caps.map((c, i) => {
    const step = stepWith(Number(v), c, i === 0 ? 'plan' : 'repeat');
    return run.machine_limited ? withMachine(step, 0.95, 0.42) : withMachine(step, 0.7, 0.02);
  }));
}

test('the ten measured sweeps replayed: the fixture gives what that version recommended; machine-limited runs now start their plateau at the knee', () => {
  const answers = measured.map((run) => {
    const within = compareCapacities(Object.entries(run.capacities).map(([v, caps]) => ({ value: Number(v), capacities_rps: caps })))!;
    const a = analyzeSweep(stepsOf(run), OPTS).recommendation;
    return { run, within: within.values.find((c) => c.within_noise)!.value, value: a.value, range: a.range ? { low: a.range.low, high: a.range.high } : null, text: a.range?.text ?? '', limited: a.machine_limit !== undefined };
  });
  for (const x of answers) {
    // The replay is faithful: the comparison alone gives what the measured sweep recommended.
    assert.equal(x.within, x.run.recommended, `${x.run.run}: the fixture replays to ${x.within}, the sweep said ${x.run.recommended}`);
    assert.equal(x.limited, x.run.machine_limited, x.run.run);
  }
  const quiet = answers.filter((x) => !x.run.machine_limited);
  const busy = answers.filter((x) => x.run.machine_limited);
  // Quiet: not machine-limited; the comparison said 24 in each and the knee agrees (closed ranges).
  assert.deepEqual(quiet.map((x) => x.value), [24, 24, 24, 24, 24]);
  assert.ok(quiet.every((x) => x.range?.high !== null));
  // Busy: the comparison said 12 in three and 16 in two; the knee says 16 in all five — 12 served
  // 479–486 requests/s, on the line below a plateau of 600–700 — and the range is open above.
  assert.deepEqual(busy.map((x) => x.within), [16, 12, 12, 16, 12]);
  assert.deepEqual(busy.map((x) => x.value), [16, 16, 16, 16, 16], busy.map((x) => `${x.run.run}: ${x.text}`).join('\n'));
  for (const x of busy) {
    assert.equal(x.range?.high, null);
    assert.match(x.text, /^16 or more: the plateau starts at N ≈ 1[45](\.\d+)? on this machine \(roofline knee\), where this machine's CPU was the limit, 42% of it taken by other processes/);
  }
  // Across both conditions: read as lower bounds, every answer agrees with every range; read
  // literally, the misses are exactly a quiet closed range (24–32, 24–64) against a busy run's 16.
  const runs: (RunAnswer & { busy: boolean })[] = answers.map((x) => ({ value: x.value, range: x.range, busy: x.run.machine_limited }));
  assert.deepEqual(disagreements(runs, rangeAgreesWith), []);
  const literal = disagreements(runs, rangeContainsValue);
  assert.equal(literal.length, 25, 'each of the 5 quiet ranges misses each of the 5 busy 16s');
  assert.ok(literal.every(([a, b]) => !a.busy && b.busy && b.value === 16));
});

test('the ten sweeps measured with the knee rule for machine-limited plateaus only, replayed: the quiet ones the comparison let 16 into now start at the knee too', () => {
  const answers = measuredKneeRule.map((run) => {
    const within = compareCapacities(Object.entries(run.capacities).map(([v, caps]) => ({ value: Number(v), capacities_rps: caps })))!;
    const a = analyzeSweep(stepsOf(run), OPTS).recommendation;
    return { run, within: within.values.find((c) => c.within_noise)!.value, value: a.value, range: a.range ? { low: a.range.low, high: a.range.high } : null, test: a.test ?? '' };
  });
  const quiet = answers.filter((x) => !x.run.machine_limited);
  const busy = answers.filter((x) => x.run.machine_limited);
  // Faithful: quiet runs were recommended by the comparison, busy ones by the knee (unchanged).
  assert.deepEqual(quiet.map((x) => x.within), quiet.map((x) => x.run.recommended));
  assert.deepEqual(quiet.map((x) => x.within), [16, 16, 24, 16, 24]);
  assert.deepEqual(busy.map((x) => x.value), busy.map((x) => x.run.recommended));
  // 16 served 682–706 requests/s in every quiet run, 14–17% under a plateau of 790–840: on the
  // line, let in by one scattered plateau run. The knee (N ≈ 17–18) says 24 in four of five; in
  // quiet #4 one run of 486 among 805 at pool 64 pulls the plateau's median down to a knee of
  // N ≈ 16.8, where 16 counts as on the plateau (16 ≥ 0.95 × 16.8), and 16 stands.
  assert.deepEqual(quiet.map((x) => x.value), [24, 24, 24, 16, 24], quiet.map((x) => x.test).join('\n'));
  for (const x of quiet.filter((q) => q.within === 16 && q.value === 24)) {
    assert.match(x.test, /^the range starts at the roofline knee \(24: the smallest value within noise of the best at or past 95% of N ≈ 1[78](\.\d+)?\), not at 16, the smallest value within noise of the best: 16 lies on the rising line/);
    assert.equal(x.range?.low, 24);
    assert.ok(x.range?.high !== null && x.range!.high >= 24);
  }
  assert.deepEqual(busy.map((x) => x.value), [16, 16, 16, 16, 16]);
  // Bound-aware, every answer agrees with every range but quiet #4's 16–64 against the four quiet
  // 24–64s (a closed range cannot be read as a bound); literally, the four quiet 24–64s also miss
  // each busy 16.
  const runs: (RunAnswer & { name: string })[] = answers.map((x) => ({ value: x.value, range: x.range, name: x.run.run }));
  const boundAware = disagreements(runs, rangeAgreesWith);
  assert.ok(boundAware.every(([a, b]) => a.name === 'quiet #4' || b.name === 'quiet #4'), JSON.stringify(boundAware));
  assert.equal(disagreements(runs, rangeContainsValue).length, 4 * 5 + boundAware.length);
});

test('range agreement: literal and bound-aware readings', () => {
  const open = (low: number): RunAnswer => ({ value: low, range: { low, high: null } });
  const closed = (value: number, low: number, high: number): RunAnswer => ({ value, range: { low, high } });
  assert.equal(rangeContainsValue(closed(24, 24, 32), open(16)), false);
  assert.equal(rangeAgreesWith(closed(24, 24, 32), open(16)), true, '24–32 reaches "16 or more"');
  assert.equal(rangeAgreesWith(open(16), closed(24, 24, 32)), true);
  // A lower bound above another run's value is a miss either way: a busier machine cannot raise the knee.
  assert.equal(rangeAgreesWith(open(32), closed(24, 24, 32)), false);
  assert.equal(rangeAgreesWith(closed(8, 8, 12), open(16)), false, '8–12 does not reach 16');
  assert.equal(rangeAgreesWith(open(12), open(16)), true);
  assert.equal(rangeContainsValue(open(16), open(12)), false);
  assert.equal(rangeAgreesWith({ value: null, range: null }, open(16)), false);
});

// ---- simulated sweeps: a roofline truth, the sweep's values, contention noise on the plateau ----

/** Just what sweepKnee and groupByValue read of a step (capacity, value, status, origin). */
function bareStep(value: number, capacity: number, origin: SweepStep['origin']): SweepStep {
  return { value, capacity_rps: capacity, status: 'ok', origin, levels: [{}] } as unknown as SweepStep;
}

interface Truth { perWorker: number; plateau: number }
const trueCapacity = (t: Truth, n: number) => Math.min(t.perWorker * n, t.plateau);

/**
 * One simulated default sweep: pools 2..64, the midpoints 12/24/48 where the knee is near (the
 * refinement), one or two repeats at three candidates (the value before the knee, the first past
 * it, one further up). Noise per run, multiplicative: 3% where the pool is the limit (the machine
 * has room), `contention` where it is within 20% of the plateau, and, when `outlier`, one repeat
 * on the plateau reading 25% low (a burst of the other processes).
 */
function simulatedSweep(rng: Rng, t: Truth, contention: number, outlier: boolean): SweepStep[] {
  const kneeN = t.plateau / t.perWorker;
  const draw = (n: number) => trueCapacity(t, n) * Math.exp((t.perWorker * n >= 0.8 * t.plateau ? contention : 0.03) * normalDraw(rng));
  const values = [2, 4, 8, 16, 32, 64, ...[12, 24, 48].filter((m) => m > kneeN / 1.6 && m < kneeN * 2)].sort((a, b) => a - b);
  const runs = values.map((v) => ({ value: v, caps: [draw(v)] }));
  const past = runs.findIndex((r) => r.value >= 0.95 * kneeN);
  const picks = [runs[past - 1], runs[past], runs[Math.min(runs.length - 1, past + 2)]].filter((r) => r !== undefined);
  for (const r of new Set(picks)) {
    r.caps.push(draw(r.value));
    if (rng() < 0.5) r.caps.push(draw(r.value));
  }
  if (outlier) {
    const onPlateau = runs.filter((r) => r.value > kneeN && r.caps.length > 1);
    if (onPlateau.length > 0) {
      const r = onPlateau[Math.floor(rng() * onPlateau.length)];
      r.caps[r.caps.length - 1] *= 0.75;
    }
  }
  return runs.flatMap((r) => r.caps.map((c, i) => bareStep(r.value, c, i === 0 ? 'plan' : 'repeat')));
}

/**
 * The three rules on one sweep: the roofline knee (machine-limited), the smallest value within
 * noise of the best, and the two together (not machine-limited: the knee only raises it).
 */
function lowerEnds(steps: SweepStep[]): { knee: number; within: number; both: number } {
  const groups = groupByValue(steps);
  const kneeDoc = sweepKnee(groups.map((g) => g.step), true);
  const knee = rooflineKneeValue(kneeDoc);
  const compared = compareCapacities(groups.map((g) => ({ value: g.step.value, capacities_rps: g.runs })))!.values.filter((c) => c.within_noise).map((c) => c.value);
  assert.ok(knee !== null, 'a roofline with a plateau always has a knee');
  return { knee, within: compared[0], both: plateauStart({ knee: kneeDoc, withinNoise: compared, machineLimited: false }).value };
}

test('simulated machine-limited sweeps: the knee lands on the plateau\'s start and stays there; the comparison drifts down the line', () => {
  const rng = mulberry32(20261202);
  const TRUTHS = 120;
  const SWEEPS = 5;
  const rows: string[] = [];
  for (const contention of [0.03, 0.06, 0.1, 0.14]) {
    for (const outlier of [false, true]) {
      const score = { knee: { hit: 0, low: 0, stable: 0 }, within: { hit: 0, low: 0, stable: 0 }, both: { hit: 0, low: 0, stable: 0 } };
      for (let i = 0; i < TRUTHS; i++) {
        // Plateaus of 180–2,760 requests/s, 30–60 per worker, knees from 6 to 46 workers.
        const perWorker = 30 + 30 * rng();
        const t: Truth = { perWorker, plateau: perWorker * (6 + 40 * rng()) };
        const answers = { knee: [] as number[], within: [] as number[], both: [] as number[] };
        for (let k = 0; k < SWEEPS; k++) {
          const steps = simulatedSweep(rng, t, contention, outlier);
          // The right answer: the smallest measured value whose true capacity is within 5% of the plateau.
          const right = [...new Set(steps.map((s) => s.value))].sort((a, b) => a - b).find((v) => trueCapacity(t, v) >= 0.95 * t.plateau)!;
          const got = lowerEnds(steps);
          for (const rule of ['knee', 'within', 'both'] as const) {
            answers[rule].push(got[rule]);
            if (got[rule] === right) score[rule].hit++;
            // On the line, 15% or more below the plateau: a pool that is still the limit.
            else if (trueCapacity(t, got[rule]) < 0.85 * t.plateau) score[rule].low++;
          }
        }
        for (const rule of ['knee', 'within', 'both'] as const) {
          const counts = new Map<number, number>();
          for (const v of answers[rule]) counts.set(v, (counts.get(v) ?? 0) + 1);
          if (Math.max(...counts.values()) >= 4) score[rule].stable++;
        }
      }
      const n = TRUTHS * SWEEPS;
      const pct = (x: number, of: number) => Math.round((100 * x) / of);
      rows.push(`contention ${Math.round(contention * 100)}%${outlier ? ' + one repeat 25% low' : ''}: knee right ${pct(score.knee.hit, n)}%, on the line ${pct(score.knee.low, n)}%, same in 4 of 5 ${pct(score.knee.stable, TRUTHS)}% | within noise: right ${pct(score.within.hit, n)}%, on the line ${pct(score.within.low, n)}%, same in 4 of 5 ${pct(score.within.stable, TRUTHS)}% | both: right ${pct(score.both.hit, n)}%, on the line ${pct(score.both.low, n)}%, same in 4 of 5 ${pct(score.both.stable, TRUTHS)}%`);
      const label = `contention ${contention}, outlier ${outlier}`;
      assert.ok(score.knee.hit >= 0.7 * n, `${label}: the knee was right in ${score.knee.hit} of ${n}`);
      assert.ok(score.knee.low <= 0.05 * n, `${label}: the knee fell on the line in ${score.knee.low} of ${n}`);
      assert.ok(score.knee.stable >= 0.7 * TRUTHS, `${label}: the knee gave one value in 4 of 5 sweeps for ${score.knee.stable} of ${TRUTHS} truths`);
      // The reason for the rule: with contention or one outlying repeat, the comparison's noise
      // estimate takes values on the line in — several times as often as the knee does.
      if (outlier || contention >= 0.1) assert.ok(score.within.low >= 2 * score.knee.low + 0.05 * n, `${label}: within noise fell on the line in ${score.within.low}, the knee in ${score.knee.low}`);
      // Both rules together (a plateau the machine did not set): never on the line more often than
      // the knee alone, and right at least as often as the comparison alone.
      assert.ok(score.both.low <= score.knee.low, `${label}: both fell on the line in ${score.both.low}, the knee in ${score.knee.low}`);
      assert.ok(score.both.hit >= score.within.hit, `${label}: both were right in ${score.both.hit}, within noise in ${score.within.hit}`);
    }
  }
  console.log(rows.join('\n'));
});

test('wired through the analysis: machine-limited, recommended at the knee with the comparison\'s answer named; not machine-limited, the knee raises the comparison\'s answer off the line', () => {
  // Pool-bound up to 16 (45 per worker), a plateau of ~700 with contention scatter in the repeats.
  const caps: Record<number, number[]> = { 2: [90], 4: [181], 8: [362], 12: [540], 16: [700, 640], 24: [690, 720, 560], 32: [730, 600], 64: [705] };
  const steps = (busy: boolean) => Object.entries(caps).flatMap(([v, runs]) => runs.map((c, i) => withMachine(stepWith(Number(v), c, i === 0 ? 'plan' : 'repeat'), busy ? 0.96 : 0.7, busy ? 0.4 : 0.02)));
  const busy = analyzeSweep(steps(true), OPTS).recommendation;
  const quiet = analyzeSweep(steps(false), OPTS).recommendation;
  // The comparison alone: 12 within noise of the best with noise this wide; 12 is on the line (540
  // against a plateau of ~700), and the knee (N ≈ 15.5) raises it to 16, a closed range.
  assert.equal(quiet.value, 16);
  assert.match(quiet.test!, /^the range starts at the roofline knee \(16: the smallest value within noise of the best at or past 95% of N ≈ 1[45](\.\d+)?\), not at 12, the smallest value within noise of the best/);
  assert.ok(quiet.range!.high !== null && quiet.range!.low === 16);
  assert.equal(busy.value, 16);
  assert.match(busy.reason, /^server\.thread_pool = 16: capacity \d+ requests\/s/);
  assert.match(busy.range!.text, /^16 or more: the plateau starts at N ≈ 1[45](\.\d+)? on this machine \(roofline knee\), where this machine's CPU was the limit, 40% of it taken by other processes/);
  assert.match(busy.test!, /^this machine's CPU was the limit on the plateau, so the range starts at the roofline knee \(the smallest measured value at or past 95% of N ≈ 1[45](\.\d+)?\), not at the smallest value within noise of the best \(12\): .* The comparison: a value is within noise/);
  assert.equal(busy.range!.high, null);
});
