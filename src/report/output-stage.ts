// The one output stage (in the manner of hyperfine's export manager): a document to its files as
// OUTPUT_FORMATS says, and to its terminal view as TERMINAL_VIEWS says. Commands go executor →
// document → here. Executors write nothing themselves: they save their document as it grows
// through the sink this stage hands them (`progress`), and the stage writes every file once the
// document is done. Rendering a saved document again is one call: renderDocument(doc).
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChalkInstance } from 'chalk';
import { writeFileAtomic } from '../atomic-file.js';
import type { DocumentSink } from '../document-sink.js';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { OUTPUT_FORMATS, TERMINAL_VIEWS, type AnyDocument, type DocumentsBySchema, type NamedPath, type OutputFormat, type Schema } from './output-formats.js';
import { ProgressiveWriter } from './progressive-writer.js';
import type { ReportFolder } from './report-folder.js';
import { DEFAULT_VIEW, type TextView } from './text-layout.js';

export interface OutputRequest {
  /** The command's report folder; without one (--no-report) the folder's files are not written. */
  folder?: ReportFolder;
  /** Files the user named (--junit FILE, -o FILE, $GITHUB_STEP_SUMMARY); one not named is not written. */
  paths?: Partial<Record<NamedPath, string>>;
}

/** One rendered output: its text and where it goes (a name in the report folder, or a path). */
export type RenderedOutput = {
  what: string;
  text: string;
  to: { file: string } | { path: string } | { append: string };
};

export interface WrittenOutputs {
  /** The report folder, when a file was written in it. */
  dir?: string;
  /** What was written, in order: the report folder once (as "dir/"), then each named file. */
  written: string[];
}

function formatsOf<S extends Schema>(schema: S): OutputFormat<S>[] {
  return OUTPUT_FORMATS.filter((f) => f.schema === schema) as unknown as OutputFormat<S>[];
}

function knownSchema(schema: unknown): schema is Schema {
  return typeof schema === 'string' && Object.hasOwn(TERMINAL_VIEWS, schema);
}

/**
 * Every file of a document, rendered: those of its report folder, and those the user named in
 * `paths`. Nothing is written. `cpdiag report FILE.json` is writeOutputs(renderDocument(doc, {},
 * { withSource: false }), folder): the reports again, without rewriting the document it read.
 */
export function renderDocument(doc: AnyDocument, paths: Partial<Record<NamedPath, string>> = {}, o: { withSource?: boolean } = {}): RenderedOutput[] {
  if (!knownSchema(doc.schema)) {
    throw new CpdiagError(`no report for schema "${String(doc.schema)}" (known: ${Object.keys(TERMINAL_VIEWS).join(', ')})`, EXIT.USAGE);
  }
  const outputs: RenderedOutput[] = [];
  for (const f of formatsOf(doc.schema)) {
    if (f.source && o.withSource === false) continue;
    const render = f.render as (d: AnyDocument) => string;
    if ('file' in f.to) {
      outputs.push({ what: f.what, text: render(doc), to: { file: f.to.file } });
    } else if ('path' in f.to) {
      const path = paths[f.to.path];
      if (path) outputs.push({ what: f.what, text: render(doc), to: { path } });
    } else {
      const path = paths[f.to.append];
      if (path) outputs.push({ what: f.what, text: render(doc), to: { append: path } });
    }
  }
  return outputs;
}

/** Writes rendered outputs in order; folder files are skipped without a folder. A failed write throws (exit 2). */
export function writeOutputs(outputs: RenderedOutput[], folder: ReportFolder | undefined): WrittenOutputs {
  const written: string[] = [];
  for (const o of outputs) {
    if ('file' in o.to) {
      if (!folder) continue;
      const dir = folder.path();
      writeFileAtomic(join(dir, o.to.file), o.text, o.what);
      if (!written.includes(`${dir}/`)) written.push(`${dir}/`);
    } else if ('path' in o.to) {
      writeFileAtomic(o.to.path, o.text, o.what);
      written.push(o.to.path);
    } else {
      try {
        // Appended, not replaced: other steps of the same job write their sections too.
        appendFileSync(o.to.append, o.text);
      } catch (e) {
        throw new CpdiagError(`cannot append to ${o.what} ${o.to.append}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.USAGE);
      }
      written.push(o.to.append);
    }
  }
  return { dir: folder?.created, written };
}

/** A command's outputs for one document type: the progressive sink while it runs, every file at the end. */
export class OutputStage<S extends Schema> {
  /** Hand this to the executor; undefined when the document has no folder file to grow (or no folder). */
  readonly progress: DocumentSink<DocumentsBySchema[S]> | undefined;

  constructor(
    readonly schema: S,
    private readonly request: OutputRequest = {},
  ) {
    const json = formatsOf(schema).find((f) => f.progressive && 'file' in f.to);
    const folder = request.folder;
    if (json && folder && 'file' in json.to) {
      const name = json.to.file;
      this.progress = new ProgressiveWriter(() => join(folder.path(), name), json.render, json.what);
    }
  }

  /** Writes every file of the finished (or interrupted) document. */
  finish(doc: DocumentsBySchema[S]): WrittenOutputs {
    return writeOutputs(renderDocument(doc as AnyDocument, this.request.paths), this.request.folder);
  }
}

export function openOutput<S extends Schema>(schema: S, request: OutputRequest = {}): OutputStage<S> {
  return new OutputStage(schema, request);
}

/**
 * What a command prints on stdout for a document: its text view, laid out for `width` columns
 * (default: text-layout's DEFAULT_VIEW) and cut to the answer with `quiet`; or its JSON with `json`.
 */
export function renderTerminal(doc: AnyDocument, o: { json: boolean; chalk: ChalkInstance; width?: number; quiet?: boolean }): string {
  if (!knownSchema(doc.schema)) throw new CpdiagError(`no terminal view for schema "${String(doc.schema)}"`, EXIT.SOFTWARE);
  const view = TERMINAL_VIEWS[doc.schema] as { text: (d: AnyDocument, c: ChalkInstance, v?: TextView) => string; json: (d: AnyDocument) => string };
  return o.json ? view.json(doc) : view.text(doc, o.chalk, { width: o.width ?? DEFAULT_VIEW.width, quiet: o.quiet });
}
