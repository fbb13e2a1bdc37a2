// CherryPy's own config parser as the reference: /usr/bin/python3 with cherrypy.lib.reprconf reads
// the same files, and its values are compared with cpdiag's. CI installs python3-cherrypy3; when
// it is missing the tests fail (they cannot prove anything without the reference).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import type { PyValue } from '../../src/config/python-literal.js';
import { readCherryPyConfigSections } from '../../src/config/cherrypy-config.js';
import { SettingsError } from '../../src/config/settings.js';

export const PYTHON = '/usr/bin/python3';

/** A value as JSON both sides can produce: Python's types kept apart (int/float/tuple/bytes). */
export type Tagged =
  | { int: string }
  | { float: number }
  | { str: string }
  | { bytes: string }
  | { bool: boolean }
  | { none: null }
  | { list: Tagged[] }
  | { tuple: Tagged[] }
  | { dict: [Tagged, Tagged][] }
  | { other: null };

/** Sections in file order, each with its keys in order (as Parser.as_dict() returns them). */
export type TaggedSections = [string, [string, Tagged][]][];
export type ReferenceResult = { ok: TaggedSections } | { error: string; message: string };

const READ_FILES = `
import contextlib, json, sys
from cherrypy.lib import reprconf
def tag(v):
    if v is None: return {'none': None}
    if isinstance(v, bool): return {'bool': v}
    if isinstance(v, int): return {'int': str(v)}
    if isinstance(v, float): return {'float': repr(v)}
    if isinstance(v, str): return {'str': v}
    if isinstance(v, bytes): return {'bytes': v.decode('latin-1')}
    if isinstance(v, list): return {'list': [tag(x) for x in v]}
    if isinstance(v, tuple): return {'tuple': [tag(x) for x in v]}
    if isinstance(v, dict): return {'dict': [[tag(k), tag(x)] for k, x in v.items()]}
    return {'other': None}
out = {}
for path in sys.argv[1:]:
    try:
        # unrepr calls what a value calls (print('x') prints): keep stdout for the JSON.
        with contextlib.redirect_stdout(sys.stderr):
            d = reprconf.Parser().dict_from_file(path)
        out[path] = {'ok': [[s, [[k, tag(v)] for k, v in o.items()]] for s, o in d.items()]}
    except Exception as e:
        out[path] = {'error': type(e).__name__, 'message': str(e)}
print(json.dumps(out))
`;

/** Fails (never skips) with the reason when the reference is not installed. */
export function assertReferenceAvailable(): void {
  assert.ok(existsSync(PYTHON), `${PYTHON} is missing: these tests compare with CherryPy's own parser (apt-get install python3-cherrypy3)`);
  try {
    execFileSync(PYTHON, ['-c', 'import cherrypy.lib.reprconf'], { stdio: 'pipe' });
  } catch (e) {
    assert.fail(`python3 cannot import cherrypy (${String((e as { stderr?: Buffer }).stderr ?? e).trim()}): install python3-cherrypy3, as CI does`);
  }
}

/** Parses each file with CherryPy's reprconf.Parser (one python3 process for all of them). */
export function readWithCherryPy(paths: string[]): Record<string, ReferenceResult> {
  const stdout = execFileSync(PYTHON, ['-c', READ_FILES, ...paths], { encoding: 'utf8', timeout: 60_000 });
  const raw = JSON.parse(stdout) as Record<string, ReferenceResult>;
  for (const r of Object.values(raw)) {
    if ('ok' in r) for (const [, entries] of r.ok) for (const entry of entries) entry[1] = fromPythonFloats(entry[1]);
  }
  return raw;
}

/** Python sends floats as repr() (to keep -0.0, inf and nan); here they become numbers. */
function fromPythonFloats(t: unknown): Tagged {
  const v = t as Record<string, unknown>;
  if ('float' in v) {
    const r = v.float as string;
    return { float: r === 'inf' ? Infinity : r === '-inf' ? -Infinity : r === 'nan' ? NaN : Number(r) };
  }
  if ('list' in v) return { list: (v.list as unknown[]).map(fromPythonFloats) };
  if ('tuple' in v) return { tuple: (v.tuple as unknown[]).map(fromPythonFloats) };
  if ('dict' in v) return { dict: (v.dict as [unknown, unknown][]).map(([k, x]) => [fromPythonFloats(k), fromPythonFloats(x)]) };
  return v as Tagged;
}

export function tagValue(v: PyValue): Tagged {
  switch (v.type) {
    case 'int':
      return { int: v.value.toString() };
    case 'float':
      return { float: v.value };
    case 'str':
      return { str: v.value };
    case 'bytes':
      return { bytes: v.value };
    case 'bool':
      return { bool: v.value };
    case 'none':
      return { none: null };
    case 'list':
      return { list: v.items.map(tagValue) };
    case 'tuple':
      return { tuple: v.items.map(tagValue) };
    case 'dict':
      return { dict: v.entries.map(([k, x]) => [tagValue(k), tagValue(x)]) };
    case 'opaque':
      return { other: null };
  }
}

/** Runs Python code with cherrypy importable and returns its stdout (for round trips through config.update). */
export function runPython(code: string, args: string[] = []): string {
  return execFileSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', timeout: 60_000 });
}

function readOurs(text: string, file: string): { ok: TaggedSections } | { error: SettingsError } {
  try {
    const { sections } = readCherryPyConfigSections(text, file);
    return { ok: sections.map((s) => [s.name, s.entries.map((e) => [e.key, tagValue(e.value)] as [string, ReturnType<typeof tagValue>])]) };
  } catch (e) {
    if (e instanceof SettingsError) return { error: e };
    throw e;
  }
}

/** Both parsers on each file: identical values, or both refuse (cpdiag with file:line). */
export function compareWithCherryPy(paths: string[]): { accepted: number; refused: number } {
  const reference = readWithCherryPy(paths);
  let accepted = 0;
  let refused = 0;
  for (const path of paths) {
    const theirs = reference[path];
    const ours = readOurs(readFileSync(path, 'utf8'), path);
    const name = path.split('/').pop()!;
    if ('ok' in theirs) {
      assert.ok('ok' in ours, `${name}: CherryPy reads it, cpdiag refuses: ${'error' in ours ? ours.error.message : ''}`);
      assert.deepStrictEqual(ours.ok, theirs.ok, `${name}: values differ from CherryPy's`);
      accepted++;
    } else {
      assert.ok('error' in ours, `${name}: CherryPy refuses it (${theirs.error}: ${theirs.message}), cpdiag reads it`);
      assert.match(ours.error.message, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:\\d+)?: `), `${name}: the message names the file (and line)`);
      refused++;
    }
  }
  return { accepted, refused };
}

