// The table of target kinds: adding a kind is one module in kinds/ and one entry here. Everything
// else that depends on the kind — the scenario schema's `target:`, its TypeScript type, the flags
// that choose a target, how reports and gate sides name it, whether a sweep can restart it, and
// starting it — is read from these records.
import { z } from 'zod';
import { CpdiagError, EXIT } from '../exit-codes.js';
import type { RecordedTarget, TargetFlag, TargetKindDefinition, TargetSchema } from './target-kind.js';
import { bundledKind } from './kinds/bundled.js';
import { commandKind } from './kinds/command.js';
import { attachedKind } from './kinds/attached.js';
import { balancedKind } from './kinds/balanced.js';

/** The registration. The first is the default target (a scenario without `target:`). */
const KINDS = [bundledKind, commandKind, attachedKind, balancedKind] as const;

type SchemasOf<K extends readonly { schema: TargetSchema }[]> = { -readonly [I in keyof K]: K[I]['schema'] };

/** The kinds' schemas, in order, as the tuple zod's discriminated union takes. */
function schemasOf<K extends readonly [{ schema: TargetSchema }, ...{ schema: TargetSchema }[]]>(kinds: K): SchemasOf<K> {
  // map keeps each schema at its kind's position; TypeScript cannot see that a map preserves a tuple.
  return kinds.map((k) => k.schema) as SchemasOf<K>;
}

/** The scenario's `target:`: one of the kinds' schemas, chosen by `kind`. */
export const targetSpecSchema = z.discriminatedUnion('kind', schemasOf(KINDS));
export type TargetSpec = z.infer<typeof targetSpecSchema>;
export type TargetSpecInput = z.input<typeof targetSpecSchema>;
export const DEFAULT_TARGET_SPEC: TargetSpecInput = { kind: KINDS[0].name };

/** Any kind, seen through the common contract (its spec is one of TargetSpec's members). */
type AnyTargetKind = TargetKindDefinition<TargetSchema>;
const BY_NAME = new Map<string, AnyTargetKind>(KINDS.map((k): [string, AnyTargetKind] => [k.name, k]));

/** The kind a spec was parsed as (the schema admits only registered names). */
export function targetKindOf(spec: TargetSpec): AnyTargetKind {
  return BY_NAME.get(spec.kind)!;
}

/** "bundled server", a command, "attached pid P at URL": for gate sides and messages. */
export function describeTarget(spec: TargetSpec): string {
  return targetKindOf(spec).describe(spec);
}

/** How a report names a recorded target; an unknown kind (a newer document) by its name. */
export function describeRecordedTarget(target: RecordedTarget, code: (text: string) => string = (t) => t): string {
  return BY_NAME.get(target.kind)?.reportLabel(target, code) ?? target.kind;
}

/** Whether each sweep step can get a fresh target with its own settings. */
export function isRestartable(spec: TargetSpec): boolean {
  return targetKindOf(spec).restartable;
}

/** Every kind's flags, for the commands that take a target. */
export function targetFlags(): TargetFlag[] {
  return KINDS.flatMap((k: AnyTargetKind) => k.flags ?? []);
}

/**
 * The `target:` the flags choose, to be validated with the scenario (undefined: no target flag,
 * keep the scenario's); two kinds at once is a usage error.
 */
export function targetSpecFromFlags(opts: Readonly<Record<string, unknown>>): z.input<TargetSchema> | undefined {
  const chosen: { kind: AnyTargetKind; spec: z.input<TargetSchema> }[] = [];
  for (const kind of KINDS as readonly AnyTargetKind[]) {
    const spec = kind.fromFlags?.(opts);
    if (spec !== undefined) chosen.push({ kind, spec });
  }
  if (chosen.length > 1) {
    const [a, b] = chosen.map((c) => c.kind.flags![0].flags.split(' ')[0]);
    throw new CpdiagError(`${a} and ${b} are two kinds of target: give one`, EXIT.USAGE);
  }
  const inner = chosen[0]?.spec;
  // A kind in front of others (--lb) wraps what the other flags chose.
  for (const kind of KINDS as readonly AnyTargetKind[]) {
    const wrapped = kind.wraps?.(inner, opts);
    if (wrapped !== undefined) return wrapped;
  }
  return inner;
}
