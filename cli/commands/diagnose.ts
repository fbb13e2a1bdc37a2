import type { Command } from 'commander';
import { runAction } from '../../src/cli/run-action.js';
import { printDocument } from '../../src/cli/print-document.js';
import { EXIT } from '../../src/exit-codes.js';
import { readDocumentFile } from '../../src/document/read-document-file.js';
import { rediagnoseDocument } from '../../src/document/rediagnose-document.js';

export function registerDiagnose(program: Command): void {
  program
    .command('diagnose')
    .argument('<report>', 'a saved run.json (schema cpdiag.run/1), or a sweep/inspect JSON document that carries findings')
    .description('diagnose a saved report again: detectors over its measurements, causes ranked by the evidence')
    .option('--json', 'print the diagnosis (schema cpdiag.diagnosis/1, with the findings it used) as JSON')
    .addHelpText(
      'after',
      `
Examples:
  cpdiag diagnose reports/2026-11-23T00-00-00Z-default/run.json
  cpdiag diagnose run.json --json | jq '.causes[] | {id, confidence}'
  cpdiag inspect 4242 --json > inspect.json && cpdiag diagnose inspect.json

A cause is listed only when its required evidence was measured; causes cpdiag could not judge
are listed as "insufficient data" with what was missing. \`cpdiag causes ID\` explains a cause.
Exit codes: 0 diagnosed (with or without causes), 2 unreadable file, bad JSON or wrong schema.`,
    )
    .action(
      runAction((file: string, opts: { json?: boolean }) => {
        const diagnosis = rediagnoseDocument(readDocumentFile(file), file);
        printDocument(diagnosis, { json: Boolean(opts.json) });
        return EXIT.OK;
      }),
    );
}
