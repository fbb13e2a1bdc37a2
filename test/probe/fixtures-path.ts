// Where the captured /proc fixtures live, from the compiled test (dist/test/probe/*.js).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

export const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/proc/', import.meta.url));
export const FIXTURE_TREE = join(FIXTURES, 'tree');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'latin1');
}
