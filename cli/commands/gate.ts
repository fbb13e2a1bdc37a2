import type { Command } from 'commander';
import { CpdiagError } from '../../src/exit-codes.js';
import { runAction } from '../../src/cli/run-action.js';

// Placeholder until this verb's issue lands; replaced by its real implementation.
export function registerGate(program: Command): void {
  program
    .command('gate')
    .description('(not built yet)')
    .action(runAction(() => {
      throw new CpdiagError('cpdiag gate is not built yet');
    }));
}
