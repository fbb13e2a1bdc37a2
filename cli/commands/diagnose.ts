import type { Command } from 'commander';
import { CpdiagError } from '../../src/exit-codes.js';
import { runAction } from '../../src/cli/run-action.js';

// Placeholder until this verb's issue lands; replaced by its real implementation.
export function registerDiagnose(program: Command): void {
  program
    .command('diagnose')
    .description('(not built yet)')
    .action(runAction(() => {
      throw new CpdiagError('cpdiag diagnose is not built yet');
    }));
}
