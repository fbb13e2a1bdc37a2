// `cpdiag report FILE`: a saved document's reports rendered again with this cpdiag (its HTML, and
// the Markdown its command writes), through the same output stage the commands use, into the
// document's own folder or another. The document itself is read, never rewritten.
import { dirname, join } from 'node:path';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { renderDocument, writeOutputs, type RenderedOutput } from '../report/output-stage.js';
import { ReportFolder } from '../report/report-folder.js';
import { readDocumentFile } from './read-document-file.js';
import { checkReportDocument } from './report-document.js';

export interface RerenderResult {
  schema: string;
  dir: string;
  /** The files written, as paths, with what each is. */
  files: { path: string; what: string }[];
}

export function rerenderDocument(file: string, o: { outputDir?: string; maxBytes?: number } = {}): RerenderResult {
  const doc = checkReportDocument(readDocumentFile(file, o.maxBytes), file);
  let outputs: RenderedOutput[];
  try {
    outputs = renderDocument(doc, {}, { withSource: false });
  } catch (e) {
    if (e instanceof CpdiagError) throw e;
    // The shape check passed, so what a renderer tripped over is deeper in the file.
    throw new CpdiagError(`${file}: cannot render this ${doc.schema} document (${(e as Error).message}); was it written by cpdiag and left whole?`, EXIT.USAGE);
  }
  const dir = o.outputDir ?? dirname(file);
  writeOutputs(outputs, ReportFolder.at(dir));
  const files = outputs.flatMap((x) => ('file' in x.to ? [{ path: join(dir, x.to.file), what: x.what }] : []));
  return { schema: doc.schema, dir, files };
}
