import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { runAction } from '../../src/cli/run-action.js';
import { out } from '../../src/cli/output.js';
import { CpdiagError, EXIT } from '../../src/exit-codes.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { findingsFromDocument } from '../../src/document/findings-from-document.js';
import { renderDiagnosisText } from '../../src/report/diagnosis-text.js';
import { CPDIAG_VERSION } from '../../src/version.js';

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
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          throw new CpdiagError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`, EXIT.USAGE);
        }
        let doc: unknown;
        try {
          doc = JSON.parse(text);
        } catch (e) {
          throw new CpdiagError(`${file}: not valid JSON (${(e as Error).message})`, EXIT.USAGE);
        }
        const findings = findingsFromDocument(doc, file);
        const diagnosis = diagnose(findings);
        if (opts.json) {
          const schema = (doc as { schema?: string }).schema;
          process.stdout.write(JSON.stringify({ ...diagnosis, cpdiag_version: CPDIAG_VERSION, input: { file, schema }, findings }, null, 1) + '\n');
        } else {
          process.stdout.write(renderDiagnosisText(diagnosis, out) + '\n');
        }
        return EXIT.OK;
      }),
    );
}
