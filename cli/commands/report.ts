import type { Command } from 'commander';
import { runAction } from '../../src/cli/run-action.js';
import { err } from '../../src/cli/output.js';
import { EXIT } from '../../src/exit-codes.js';
import { MAX_DOCUMENT_BYTES } from '../../src/document/read-document-file.js';
import { rerenderDocument } from '../../src/document/rerender-document.js';
import { formatBytes } from '../../src/format.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .argument('<file>', 'a saved document: run.json, sweep.json, compare.json, gate.json, or the JSON of cpdiag inspect --json')
    .description('render a saved document again: its self-contained report.html (and the Markdown its command writes)')
    .option('-o, --output-dir <dir>', "where the files go (default: the document's own folder)")
    .addHelpText(
      'after',
      `
Examples:
  cpdiag report reports/2026-11-23T000000Z-default/run.json         rewrites report.html and summary.md beside it
  cpdiag report sweep.json -o /tmp/sweep-report
  cpdiag inspect 4242 --watch --json > inspect.json; cpdiag report inspect.json

The document itself is read, never rewritten. Documents larger than ${formatBytes(MAX_DOCUMENT_BYTES)} are refused.
Exit codes: 0 written, 2 unreadable or too large a file, bad JSON, a schema without a report
(cpdiag.run/1, cpdiag.sweep/1, cpdiag.compare/1, cpdiag.gate/1 and cpdiag.inspect/1 have one), or a file that cannot be written.`,
    )
    .action(
      runAction((file: string, opts: { outputDir?: string }) => {
        const result = rerenderDocument(file, { outputDir: opts.outputDir });
        for (const f of result.files) process.stdout.write(`${f.path}\n`);
        process.stderr.write(err.dim(`${result.schema}: ${result.files.length} file${result.files.length === 1 ? '' : 's'} written in ${result.dir}/\n`));
        return EXIT.OK;
      }),
    );
}
