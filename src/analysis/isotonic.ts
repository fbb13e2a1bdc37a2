// Isotonic regression by pool-adjacent-violators (PAV; Barlow et al., "Statistical Inference under
// Order Restrictions", 1972): the non-decreasing step function closest (least squares) to 0/1
// outcomes ordered by a score. Used to turn diagnosis scores into observed precisions
// (Zadrozny & Elkan, "Transforming classifier scores into accurate multiclass probability
// estimates", KDD 2002). Pure: pairs in, blocks out.

export interface ScoredOutcome {
  score: number;
  /** 1 when the prediction at this score was right, 0 when wrong. */
  correct: 0 | 1;
}

export interface IsotonicBlock {
  /** The lowest and highest score pooled in the block, and their mean. */
  score_min: number;
  score_max: number;
  score_mean: number;
  /** Outcomes in the block and how many were right. */
  n: number;
  correct: number;
}

/** PAV over outcomes sorted by score (ties pooled first): blocks with non-decreasing rates. */
export function fitIsotonic(outcomes: readonly ScoredOutcome[]): IsotonicBlock[] {
  const sorted = [...outcomes].filter((o) => Number.isFinite(o.score)).sort((a, b) => a.score - b.score);
  const blocks: IsotonicBlock[] = [];
  for (const o of sorted) {
    const last = blocks[blocks.length - 1];
    if (last && last.score_max === o.score) {
      last.score_mean = (last.score_mean * last.n + o.score) / (last.n + 1);
      last.n++;
      last.correct += o.correct;
    } else {
      blocks.push({ score_min: o.score, score_max: o.score, score_mean: o.score, n: 1, correct: o.correct });
    }
    // Pool while the previous block's rate exceeds the last one's.
    while (blocks.length >= 2) {
      const b = blocks[blocks.length - 1];
      const a = blocks[blocks.length - 2];
      if (a.correct / a.n <= b.correct / b.n) break;
      blocks.splice(blocks.length - 2, 2, {
        score_min: a.score_min, score_max: b.score_max, score_mean: (a.score_mean * a.n + b.score_mean * b.n) / (a.n + b.n),
        n: a.n + b.n, correct: a.correct + b.correct,
      });
    }
  }
  return blocks;
}

/**
 * Blocks of fewer than `minSize` outcomes pooled into a neighbour (the one whose rate is closer),
 * so that no point of the map rests on one or two cases; the result stays non-decreasing.
 */
export function poolSmallBlocks(blocks: readonly IsotonicBlock[], minSize: number): IsotonicBlock[] {
  const out = blocks.map((b) => ({ ...b }));
  const merge = (i: number, j: number) => {
    const [a, b] = i < j ? [out[i], out[j]] : [out[j], out[i]];
    out.splice(Math.min(i, j), 2, {
      score_min: a.score_min, score_max: b.score_max, score_mean: (a.score_mean * a.n + b.score_mean * b.n) / (a.n + b.n),
      n: a.n + b.n, correct: a.correct + b.correct,
    });
  };
  for (;;) {
    const i = out.findIndex((b) => b.n < minSize);
    if (i < 0 || out.length < 2) return out;
    const rate = (k: number) => out[k].correct / out[k].n;
    if (i === 0) merge(0, 1);
    else if (i === out.length - 1) merge(i, i - 1);
    else merge(i, Math.abs(rate(i - 1) - rate(i)) <= Math.abs(rate(i + 1) - rate(i)) ? i - 1 : i + 1);
  }
}

/**
 * Each block's rate shrunk towards the overall rate by one pseudo-outcome,
 * (correct + overall) / (n + 1), so that a block of four right answers claims 0.8 + overall/5
 * rather than certainty; made non-decreasing again.
 */
export function shrunkRates(blocks: readonly IsotonicBlock[]): number[] {
  const n = blocks.reduce((a, b) => a + b.n, 0);
  const overall = n > 0 ? blocks.reduce((a, b) => a + b.correct, 0) / n : 0.5;
  const out: number[] = [];
  for (const b of blocks) out.push(Math.max(out[out.length - 1] ?? 0, (b.correct + overall) / (b.n + 1)));
  return out;
}

/** Piecewise-linear through (x_i, y_i) sorted by x; flat beyond the ends. */
export function interpolate(points: readonly (readonly [number, number])[], x: number): number {
  if (points.length === 0) return x;
  if (x <= points[0][0]) return points[0][1];
  const last = points[points.length - 1];
  if (x >= last[0]) return last[1];
  for (let i = 1; i < points.length; i++) {
    const [x1, y1] = points[i];
    if (x <= x1) {
      const [x0, y0] = points[i - 1];
      return x1 === x0 ? y1 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return last[1];
}
