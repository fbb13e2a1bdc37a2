import type { Command } from 'commander';
import { runAction } from '../../src/cli/run-action.js';
import { out } from '../../src/cli/output.js';
import { CpdiagError, EXIT } from '../../src/exit-codes.js';
import { CAUSES, SYMPTOMS, findCause } from '../../src/diagnose/causes.js';
import { renderCause, renderCauseTable } from '../../src/diagnose/causes-text.js';
import { CPDIAG_VERSION } from '../../src/version.js';

export function registerCauses(program: Command): void {
  program
    .command('causes')
    .argument('[id]', 'one cause to show in full')
    .description('the symptom→cause table the diagnosis uses: what each cause is, the evidence for and against it, and the fix')
    .option('--json', 'print the table (or the one cause) as JSON')
    .addHelpText(
      'after',
      `
Examples:
  cpdiag causes                          every cause, grouped by symptom
  cpdiag causes pool-too-small           one cause: evidence for/against, fix with config snippets, source
  cpdiag causes --json | jq '.causes[].id'
  cpdiag causes keepalive-mismatch --json

Exit codes: 0 ok, 2 unknown cause id (the message lists the ids).`,
    )
    .action(
      runAction((id: string | undefined, opts: { json?: boolean }) => {
        if (id !== undefined) {
          const cause = findCause(id);
          if (!cause) {
            throw new CpdiagError(`unknown cause "${id}"; known: ${CAUSES.map((c) => c.id).join(', ')}`, EXIT.USAGE, 'run `cpdiag causes` for the table');
          }
          process.stdout.write(opts.json ? JSON.stringify(cause, null, 1) + '\n' : renderCause(cause, out) + '\n');
          return EXIT.OK;
        }
        if (opts.json) {
          process.stdout.write(JSON.stringify({ schema: 'cpdiag.causes/1', cpdiag_version: CPDIAG_VERSION, symptoms: SYMPTOMS, causes: CAUSES }, null, 1) + '\n');
        } else {
          process.stdout.write(renderCauseTable(out) + '\n');
        }
        return EXIT.OK;
      }),
    );
}
