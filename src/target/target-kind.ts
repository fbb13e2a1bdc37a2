// The contract of one kind of target. Each kind is one module in kinds/ that exports one
// definition, listed once in target-kinds.ts; the scenario schema's `target:`, the run/sweep/gate
// flags that choose a target, the reports' wording and the start-up all come from these records.
import type { z } from 'zod';
import type { ServerSettings } from '../config/settings.js';
import type { RunningTarget } from './target.js';

/** A flag of run/sweep/gate/baseline that selects or configures this kind (commander syntax). */
export interface TargetFlag {
  /** e.g. '--cmd <command>' */
  flags: string;
  description: string;
  /** Validates the text; throws an Error whose message is the one line the user sees. */
  parse?: (text: string) => unknown;
  defaultValue?: string;
}

/** What a report knows about a recorded target (run.json, sweep.json). */
export interface RecordedTarget {
  kind: string;
  command?: string;
}

export interface StartContext {
  settings: ServerSettings;
  signal?: AbortSignal;
}

/** Each kind's scenario schema: a strict zod object whose `kind` is a literal. */
export type TargetSchema = z.ZodDiscriminatedUnionOption<'kind'>;

export interface TargetKindDefinition<Schema extends TargetSchema> {
  /** The `kind:` value in scenarios and documents. */
  name: z.infer<Schema>['kind'];
  /** The scenario's `target:` when it is this kind; the TypeScript type is inferred from it. */
  schema: Schema;
  /** One line naming the target, for gate sides and messages: "bundled server", the command. */
  describe(spec: z.infer<Schema>): string;
  /** How a report names a recorded target of this kind; `code` sets a command in the report's style. */
  reportLabel(target: RecordedTarget, code: (text: string) => string): string;
  /** false when cpdiag cannot restart the target with other settings (a sweep then measures one process). */
  restartable: boolean;
  /** Flags that choose this kind on the command line (optional: a kind may be scenario-only). */
  flags?: readonly TargetFlag[];
  /** The spec the flags ask for (options in commander's camelCase), or undefined when they do not choose this kind. */
  fromFlags?(opts: Readonly<Record<string, unknown>>): z.input<Schema> | undefined;
  /**
   * A kind that stands in front of another (a balancer over N of them): the spec the flags ask for,
   * given the spec the other kinds' flags chose (undefined: none, the default target).
   */
  wraps?(inner: z.input<TargetSchema> | undefined, opts: Readonly<Record<string, unknown>>): z.input<Schema> | undefined;
  /** Starts (or attaches to) the target and resolves once it is ready. */
  start(spec: z.infer<Schema>, ctx: StartContext): Promise<RunningTarget>;
}

/** Identity, for inference: each kind module writes `export const xKind = defineTargetKind({...})`. */
export function defineTargetKind<Schema extends TargetSchema>(definition: TargetKindDefinition<Schema>): TargetKindDefinition<Schema> {
  return definition;
}
