// How the gate and the baseline run one scenario: a plain measured run, nothing saved (the gate
// keeps only each run's sample) and no diagnosis (the verdict does not use it).
import { executeRun } from '../run/execute-run.js';
import type { ExecuteScenario } from './run-gate.js';

export const executeGateRun: ExecuteScenario = (scenario, signal) => executeRun({ scenario, signal, diagnose: false });
