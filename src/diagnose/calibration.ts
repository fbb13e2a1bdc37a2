// Placeholder: identity until the corpus fit is written (see calibration-table.ts).
export function calibrateScore(score: number): number {
  return score;
}
