import { readFileSync } from 'node:fs';

// package.json sits two levels above dist/src/ and one above src/ (when run from source).
function readVersion(): string {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cpdiag' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

export const CPDIAG_VERSION = readVersion();
