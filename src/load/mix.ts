// The request mix: a plan's weighted RequestSpec list turned into ready-to-send entries.
import type { RequestSpec } from './load-plan.js';
import { CpdiagError, EXIT } from '../exit-codes.js';

export interface MixEntry {
  name: string;
  method: string;
  /** Path with query, relative to the target URL's origin. */
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  weight: number;
}

/** A synthetic body: printable bytes, so that any server and any log can show it. */
export function createSyntheticBody(bytes: number): Buffer {
  return Buffer.alloc(bytes, 'x');
}

export function requestName(spec: RequestSpec): string {
  return spec.name ?? `${spec.method.toUpperCase()} ${spec.path}`;
}

export function requestBody(spec: RequestSpec): Buffer | undefined {
  if (spec.body !== undefined) return Buffer.from(spec.body);
  if (spec.body_bytes !== undefined && spec.body_bytes > 0) return createSyntheticBody(spec.body_bytes);
  return undefined;
}

/** Validates and normalises the mix; an empty mix means GET /. */
export function buildMix(specs: RequestSpec[]): MixEntry[] {
  const list = specs.length > 0 ? specs : [{ method: 'GET', path: '/' }];
  const seen = new Set<string>();
  return list.map((spec) => {
    const weight = spec.weight ?? 1;
    if (!(weight > 0) || !Number.isFinite(weight)) {
      throw new CpdiagError(`mix entry ${requestName(spec)}: weight must be a positive number, got ${spec.weight}`, EXIT.USAGE);
    }
    if (!spec.path.startsWith('/')) {
      throw new CpdiagError(`mix entry ${requestName(spec)}: path must start with "/"`, EXIT.USAGE);
    }
    if (/[\s]/.test(spec.path)) {
      // A raw space would make a malformed request line (cheroot answers 400); encode it as %20.
      throw new CpdiagError(`mix entry ${requestName(spec)}: path contains whitespace; encode it (%20)`, EXIT.USAGE);
    }
    let name = requestName(spec);
    for (let i = 2; seen.has(name); i++) name = `${requestName(spec)} #${i}`;
    seen.add(name);
    const body = requestBody(spec);
    const headers: Record<string, string> = { ...(spec.headers ?? {}) };
    return { name, method: spec.method.toUpperCase(), path: spec.path, headers, body, weight };
  });
}
