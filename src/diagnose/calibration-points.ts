// The shape of a calibration map (calibration.ts applies it; calibration-table.ts holds the
// fitted one), apart from both so that the generated table needs nothing from the code using it.

/** [raw score, calibrated confidence] points, scores ascending. */
export type CalibrationPoints = readonly (readonly [number, number])[];

/** One map for the cause ranked first, one for the causes below it. */
export interface Calibration {
  first: CalibrationPoints;
  other: CalibrationPoints;
}
