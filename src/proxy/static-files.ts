// The files a proxy serves itself when a scenario has a static prefix (nginx `location /static/ {
// root ...; }`, Apache `Alias /static/ ...`): one file per path of the request mix under the
// prefix, of the size its `bytes=` query names (16 KiB without one) — the same size the bundled
// server answers on that path when the proxy forwards it instead, so that with and without the
// static location the client gets the same bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Size of a static file whose path names none (and the bundled server's /static/ default). */
export const DEFAULT_STATIC_BYTES = 16 * 1024;

export interface StaticFilesSpec {
  /** e.g. "/static/": starts and ends with "/". */
  prefix: string;
  /** Request paths (with their query) of the mix; those under the prefix get a file. */
  paths: readonly string[];
}

/** The file name and size a request path under the prefix maps to, or undefined when it is not under it. */
export function staticFileFor(prefix: string, requestPath: string): { relative: string; bytes: number } | undefined {
  const q = requestPath.indexOf('?');
  const path = q < 0 ? requestPath : requestPath.slice(0, q);
  if (!path.startsWith(prefix) || path.length === prefix.length) return undefined;
  // Only plain names: a path that climbs out (..) or is not a file name is not written.
  const relative = decodeURIComponent(path.slice(1));
  if (relative.split('/').some((part) => part === '..' || part === '')) return undefined;
  const bytes = q < 0 ? NaN : Number(new URLSearchParams(requestPath.slice(q + 1)).get('bytes') ?? NaN);
  return { relative, bytes: Number.isFinite(bytes) && bytes >= 0 ? Math.round(bytes) : DEFAULT_STATIC_BYTES };
}

/** Writes the files under `<dir>/docroot` and returns that document root (the prefix is a folder in it). */
export function writeStaticFiles(dir: string, spec: StaticFilesSpec): string {
  const root = join(dir, 'docroot');
  mkdirSync(join(root, spec.prefix), { recursive: true });
  for (const p of spec.paths) {
    const file = staticFileFor(spec.prefix, p);
    if (!file) continue;
    const target = join(root, file.relative);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, Buffer.alloc(file.bytes, 'x'));
  }
  return root;
}
