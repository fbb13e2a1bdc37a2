// The writer: the operator's file with server.* values applied. Round trips go through CherryPy's
// own parser (cherrypy.lib.reprconf) and its server namespace handler, so "applied" means what
// CherryPy would run with, and "kept" means CherryPy reads every other key unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCherryPyConfig } from '../../src/config/cherrypy-config.js';
import { writeCherryPyConfig, writeCherryPyConfigFile } from '../../src/config/write-cherrypy-config.js';
import type { ServerSettings } from '../../src/config/settings.js';
import { assertReferenceAvailable, readWithCherryPy, runPython, type Tagged, type TaggedSections } from './cherrypy-reference.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/cherrypy-config/', import.meta.url));

/** cherrypy.server as CherryPy leaves it after applying each file's [global] server.* keys in order. */
const APPLY_SERVER_KEYS = `
import json, sys
import cherrypy
from cherrypy import _cpconfig, _cpserver
from cherrypy.lib import reprconf
out = {}
for path in sys.argv[1:]:
    cherrypy.server = _cpserver.Server()
    g = reprconf.Parser().dict_from_file(path).get('global', {})
    for k, v in g.items():
        if k.startswith('server.'):
            _cpconfig._server_namespace_handler(k[len('server.'):], v)
    s = cherrypy.server
    out[path] = {n: getattr(s, n) for n in ['socket_host', 'socket_port', 'socket_file', 'thread_pool', 'socket_timeout',
        'socket_queue_size', 'accepted_queue_size', 'accepted_queue_timeout', 'max_request_body_size', 'max_request_header_size']}
print(json.dumps(out))
`;

const VALUES: Partial<ServerSettings> = {
  thread_pool: 24, socket_timeout: 2.5, socket_host: '127.0.0.1', socket_port: 18080, accepted_queue_size: 7,
  max_request_body_size: 1024, gil: false,
};

test('every accepted fixture: values applied as CherryPy applies them, everything else read unchanged', () => {
  assertReferenceAvailable();
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-write-config-'));
  try {
    const sources = readdirSync(FIXTURES).filter((f) => f.endsWith('.conf') && !f.startsWith('refused-')).sort();
    const written = sources.map((f) => {
      const out = join(dir, f);
      writeCherryPyConfigFile(join(FIXTURES, f), VALUES, out);
      return out;
    });
    const before = readWithCherryPy(sources.map((f) => join(FIXTURES, f)));
    const after = readWithCherryPy(written);
    const applied = JSON.parse(runPython(APPLY_SERVER_KEYS, written)) as Record<string, Record<string, unknown>>;
    sources.forEach((f, i) => {
      const b = before[join(FIXTURES, f)];
      const a = after[written[i]];
      assert.ok('ok' in b && 'ok' in a, `${f}: CherryPy reads the written file: ${JSON.stringify(a)}`);
      // Other sections, and [global]'s other keys, read exactly as before (a [global] may be new).
      const others = (x: TaggedSections) => x.filter(([n]) => n !== 'global');
      const global = (x: TaggedSections) => x.find(([n]) => n === 'global')?.[1] ?? [];
      assert.deepStrictEqual(others(a.ok), others(b.ok), `${f}: other sections kept`);
      const nonServer = (x: TaggedSections) => global(x).filter(([k]) => !k.startsWith('server.'));
      assert.deepStrictEqual(nonServer(a.ok), nonServer(b.ok), `${f}: other [global] keys kept`);
      const rewritten = new Set([...Object.keys(VALUES).map((k) => `server.${k}`), 'server.bind_addr', 'server.socket_file']);
      const afterGlobal = new Map<string, Tagged>(global(a.ok));
      for (const [k, v] of global(b.ok)) {
        if (k.startsWith('server.') && !rewritten.has(k)) assert.deepStrictEqual(afterGlobal.get(k), v, `${f}: ${k} kept`);
      }
      const original = parseCherryPyConfig(readFileSync(join(FIXTURES, f), 'utf8'), f).settings;
      assert.deepEqual(applied[written[i]], {
        socket_host: '127.0.0.1', socket_port: 18080, socket_file: null, thread_pool: 24, socket_timeout: 2.5,
        socket_queue_size: original.socket_queue_size ?? 5, accepted_queue_size: 7, accepted_queue_timeout: original.accepted_queue_timeout ?? 10,
        max_request_body_size: 1024, max_request_header_size: original.max_request_header_size ?? 500 * 1024,
      }, `${f}: cherrypy.server after applying the written file`);
      // cpdiag reads back what it wrote.
      const ours = parseCherryPyConfig(readFileSync(written[i], 'utf8'), written[i]);
      assert.equal(ours.settings.thread_pool, 24);
      assert.equal(ours.settings.socket_port, 18080);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rewrites in place and keeps the rest byte for byte', () => {
  const original = '# my app\r\n[global]\r\nserver.thread_pool = (\r\n    8)  # two per core\r\nlog.screen = False\r\n\r\n[/]\r\ntools.gzip.on = True\r\n';
  const out = writeCherryPyConfig(original, { thread_pool: 16, socket_timeout: 3 });
  assert.equal(out, '# my app\r\n[global]\r\nserver.thread_pool = 16\r\nlog.screen = False\r\nserver.socket_timeout = 3\r\n\r\n[/]\r\ntools.gzip.on = True\r\n');
  assert.equal(writeCherryPyConfig(original, {}), original, 'nothing to apply: unchanged');
});

test('no [global]: one is added first; strings are quoted and % doubled; [DEFAULT] keys overridden', () => {
  assert.equal(writeCherryPyConfig(undefined, { thread_pool: 4 }), '# server settings written by cpdiag\n[global]\nserver.thread_pool = 4\n');
  const apps = writeCherryPyConfig('[DEFAULT]\nserver.thread_pool = 2\n[/]\nk = 1', { thread_pool: 4, socket_host: "it's%" });
  assert.equal(apps, "# server settings written by cpdiag\n[global]\nserver.thread_pool = 4\nserver.socket_host = 'it\\'s%%'\n\n[DEFAULT]\nserver.thread_pool = 2\n[/]\nk = 1");
  const parsed = parseCherryPyConfig(apps, 'x');
  assert.deepEqual(parsed.settings, { thread_pool: 4, socket_host: "it's%" });
});

test('an added key never becomes a continuation line, and bind_addr/socket_file follow the new address', () => {
  // The file's last key is indented; the next section header too.
  const indented = '[global]\n  server.thread_pool = 2\n [/]\n k = 1\n';
  const out = writeCherryPyConfig(indented, { socket_timeout: 4 });
  assert.deepEqual(parseCherryPyConfig(out, 'x').settings, { thread_pool: 2, socket_timeout: 4 });
  assert.deepEqual(parseCherryPyConfig(out, 'x').sections.map((s) => s.name), ['global', '/']);
  const bound = writeCherryPyConfig("[global]\nserver.socket_port = 9000\nserver.bind_addr = ('0.0.0.0', 80)\nserver.socket_file = '/run/app.sock'\n", { socket_port: 18081 });
  assert.match(bound, /server\.bind_addr = \('0\.0\.0\.0', 18081\)/);
  assert.match(bound, /server\.socket_file = None/);
  assert.deepEqual(parseCherryPyConfig(bound, 'x').settings, { socket_host: '0.0.0.0', socket_port: 18081 });
});

test('a file CherryPy refuses is refused before anything is written', () => {
  assert.throws(() => writeCherryPyConfig('[global]\nserver.thread_pool = 8 ; two per core\n', { thread_pool: 4 }, 'bad.conf'), /bad\.conf:2: /);
});
