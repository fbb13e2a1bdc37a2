// CherryPy config files: cpdiag must read every file exactly as CherryPy's own parser
// (cherrypy.lib.reprconf, run here by /usr/bin/python3) reads it — same sections, keys, order
// and Python values — and refuse what CherryPy refuses; then take its [global] server.* keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCherryPyConfig, readCherryPyConfigFile, readCherryPyConfigSections } from '../../src/config/cherrypy-config.js';
import { CHERRYPY_ENVIRONMENTS, CHERRYPY_NAMESPACES, CHERRYPY_SERVER_KEYS } from '../../src/config/cherrypy-keys.js';
import { SettingsError } from '../../src/config/settings.js';
import { assertReferenceAvailable, compareWithCherryPy, readWithCherryPy, runPython } from './cherrypy-reference.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/cherrypy-config/', import.meta.url));

test('every fixture file reads as CherryPy reads it; refused-* files are refused by both', () => {
  assertReferenceAvailable();
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.conf')).sort();
  assert.ok(files.length >= 15, `${files.length} fixtures`);
  const paths = files.map((f) => join(FIXTURES, f));
  const reference = readWithCherryPy(paths);
  for (const f of files) {
    // The fixture names say what CherryPy does; a fixture that stopped meaning it is a broken test.
    assert.equal('error' in reference[join(FIXTURES, f)], f.startsWith('refused-'), `${f}: CherryPy ${'error' in reference[join(FIXTURES, f)] ? 'refuses' : 'accepts'} it`);
  }
  const { accepted, refused } = compareWithCherryPy(paths);
  assert.ok(accepted >= 10 && refused >= 8, `${accepted} accepted, ${refused} refused`);
});

// One value per file: the Python literal rules, the comment and statement rules, unrepr's limits.
const VALUES = [
  '8  # two per core', '8 ; two per core', '8;', '8;;', '8 ; 9', '8\n9', '8\nx = 9', '8\nx: int = 9', '8\n1 = 9',
  '1 if True else 2', 'not True', '1 < 2', 'a and b', '[1, 2,]', '(1, 2,)', '()', '(,)', '{}', "{'a': 1, 'a': 2}",
  "{1: 'x', True: 'y', 1.0: 'z'}", '{[1]: 2}', "{**{'a': 1}}", '[*[1]]', '*a, b', "'abc'[0]", "'abc'[-1]", "[1, 2][5]",
  "{'a': 1}['a']", '[1,2][0:1]', "f'x'", "b'a' 'b'", "'a' b'b'", "u'x' 'y'", "r'\\'", "r'\\\\'", "'\\777'", "'\\x4'",
  "'\\u12'", '1__0', '1_', '0x', '0o8', '0b2', '1e', '1.e5', '1.5j', '...', '-True', '- -3', '--3', "-'a'", "'a' * -1",
  '[1] + (2,)', "'a' + 1", '3 * [1, 2]', 'True * 2.5', '2 ** 3', '7 // 2', '~1', 'int', 'os.path', 'x = 5', 'lambda: 1',
  '[x for x in y]', 'a := 1', '1 2', '"""multi', '"""multi\nline"""', "'a\\\nb'", '1e999', '-1e999', '0.1 + 0.2',
  '10 * 0.1', '2 * 3 + 4', '-2 * 3', '2 + -3', '(1, [2, {3: (4,)}])', "'%%'", "'%(k)s'", '1_000.000_1', '0_0', '00',
  '0.0', '-0.0', '5e-324', '1.7976931348623157e308', '123456789012345678901234567890 * 10', "'\\N{BULLET}'",
];

test('single values: Python literals, comments, statements and unrepr limits as CherryPy reads them', () => {
  assertReferenceAvailable();
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-cherrypy-values-'));
  try {
    // Known, documented differences: cpdiag evaluates no Python calls or attribute lookups, and
    // reads no \N{name} escapes. Everything else must agree.
    const knownDifferent = new Set(["'\\N{BULLET}'"]);
    const paths = VALUES.filter((v) => !knownDifferent.has(v)).map((v, i) => {
      const path = join(dir, `v${String(i).padStart(3, '0')}.conf`);
      // Continuation lines are indented, so that configparser joins them into the value.
      writeFileSync(path, `[global]\nk = 1\nv = ${v.replace(/\n/g, '\n  ')}\n`);
      return path;
    });
    const { accepted, refused } = compareWithCherryPy(paths);
    assert.ok(accepted >= 30 && refused >= 30, `${accepted} accepted, ${refused} refused`);
    assert.throws(() => readCherryPyConfigSections("[global]\nv = '\\N{BULLET}'\n", 'n.conf'), /n\.conf:2: .*\\N\{\.\.\.\} escapes are not read by cpdiag/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the server.* keys cpdiag knows are exactly CherryPy 18\'s Server attributes, namespaces and environments', () => {
  assertReferenceAvailable();
  const out = JSON.parse(runPython(`
import json, cherrypy
from cherrypy import _cpserver
keys = [n for n, v in vars(_cpserver.Server).items() if not n.startswith('_') and (isinstance(v, property) or not callable(v))]
app = cherrypy.Application(None)
ns = set(cherrypy.config.namespaces) | set(app.namespaces) | set(app.request_class.namespaces) | {'wsgi'}
print(json.dumps({'keys': keys, 'namespaces': sorted(ns), 'environments': sorted(cherrypy.config.environments)}))
`));
  assert.deepEqual(CHERRYPY_SERVER_KEYS.map((k) => k.name).sort(), [...out.keys].sort());
  assert.deepEqual([...CHERRYPY_NAMESPACES].sort(), out.namespaces);
  assert.deepEqual([...CHERRYPY_ENVIRONMENTS].sort(), out.environments);
});

test('[global] server.* keys: modelled ones become settings, the others are listed once as ignored', () => {
  const basic = readCherryPyConfigFile(join(FIXTURES, 'basic.conf'));
  assert.deepEqual(basic.settings, {
    socket_host: '127.0.0.1', socket_port: 8080, thread_pool: 8, socket_timeout: 60, socket_queue_size: 64,
    max_request_body_size: 100 * 1024 * 1024, max_request_header_size: 500_000, accepted_queue_size: -1, accepted_queue_timeout: 2.5,
  });
  assert.equal(basic.settingLines.thread_pool, 5);
  assert.deepEqual(basic.ignored, []);

  const all = readCherryPyConfigFile(join(FIXTURES, 'all-server-keys.conf'));
  // bind_addr comes last in the file and wins over socket_host/socket_port, as in CherryPy.
  assert.equal(all.settings.socket_port, 8081);
  assert.deepEqual(all.ignored, [
    'server.shutdown_timeout', 'server.protocol_version', 'server.thread_pool_max', 'server.instance', 'server.ssl_context',
    'server.ssl_certificate', 'server.ssl_certificate_chain', 'server.ssl_private_key', 'server.ssl_ciphers', 'server.ssl_module',
    'server.statistics', 'server.nodelay', 'server.wsgi_version', 'server.peercreds', 'server.peercreds_resolve',
  ]);

  const defaults = readCherryPyConfigFile(join(FIXTURES, 'default-section.conf'));
  assert.deepEqual(defaults.settings, { thread_pool: 12 }, '%(pool)s * 2 from [DEFAULT]');

  const apps = readCherryPyConfigFile(join(FIXTURES, 'app-sections.conf'));
  assert.deepEqual(apps.settings, { thread_pool: 12, socket_timeout: 5 });
  assert.deepEqual(apps.warnings, []);
});

test('CherryPy reads only the first statement of a value: cpdiag takes the same value and says what was dropped', () => {
  const c = readCherryPyConfigFile(join(FIXTURES, 'indentation.conf'));
  // `    server.socket_timeout = 9` is indented deeper than the key above: a continuation line.
  assert.deepEqual(c.settings, { thread_pool: 3, socket_queue_size: 7 });
  assert.equal(c.warnings.length, 2);
  assert.match(c.warnings[0], /indentation\.conf:2: .*server\.thread_pool: CherryPy reads only 3 and ignores "server\.socket_timeout = 9"/);
  const s = readCherryPyConfigFile(join(FIXTURES, 'statements.conf'));
  assert.deepEqual(s.settings, { thread_pool: 8, socket_timeout: 30, socket_queue_size: 64 });
});

test('keys CherryPy does not know are refused with a did-you-mean; CherryPy indeed has no such attribute', () => {
  const cases: [string, RegExp][] = [
    ['server.thread_poool = 4', /x\.conf:2: server\.thread_poool: CherryPy 18 has no such server setting.*did you mean server\.thread_pool\?/],
    ['server.thread-pool = 4', /did you mean server\.thread_pool\?/],
    ['server.socket_timout = 4', /did you mean server\.socket_timeout\?/],
    ['server.threads = 4', /no such server setting, so it would be ignored \(known: server\.socket_port, /],
    ['Server.thread_pool = 4', /Server\.thread_pool: config keys are case-sensitive and CherryPy ignores this one; did you mean server\.thread_pool\?/],
    ['server.gil = False', /"gil" is cpdiag's own setting.*--gil/],
    ['server.api.socket_prot = 9000', /did you mean server\.api\.socket_port\?/],
    ["environment = 'prod'", /environment = 'prod': CherryPy knows .*'production'.*did you mean 'production'\?/],
  ];
  for (const [line, re] of cases) {
    assert.throws(() => parseCherryPyConfig(`[global]\n${line}\n`, 'x.conf'), (e: unknown) => e instanceof SettingsError && re.test(e.message), line);
  }
  assertReferenceAvailable();
  const attrs = JSON.parse(runPython(`
import json
from cherrypy import _cpserver
print(json.dumps([hasattr(_cpserver.Server, n) for n in ['thread_poool', 'thread-pool', 'socket_timout', 'threads', 'gil']]))
`));
  assert.deepEqual(attrs, [false, false, false, false, false]);
});

test('bad values of modelled settings: the key, the value and why, with file:line', () => {
  const cases: [string, RegExp][] = [
    ['server.thread_pool = lots', /c\.conf:2: server\.thread_pool = lots: expected a number, got a bare name/],
    ["server.thread_pool = '8'", /server\.thread_pool = '8': expected a number, got a string .*drop the quotes/],
    ['server.thread_pool = 8.0', /server\.thread_pool = 8\.0: expected a whole number/],
    ['server.thread_pool = True', /expected a number, got a bool/],
    ['server.thread_pool = 0', /server\.thread_pool = 0: must be at least 1/],
    ['server.socket_port = 70000', /server\.socket_port = 70000: must be at most 65535/],
    ["server.socket_host = ''", /the empty string is not allowed/],
    ['server.socket_host = 8080', /expected a quoted string, got a int/],
    ['server.bind_addr = (1, 2, 3)', /expected a \(host, port\) pair/],
    ['server.socket_timeout = int(5)', /expected a number; cpdiag cannot evaluate a call/],
  ];
  for (const [line, re] of cases) {
    assert.throws(() => parseCherryPyConfig(`[global]\n${line}\n`, 'c.conf'), (e: unknown) => e instanceof SettingsError && re.test(e.message), `${line}`);
  }
});

test('sections CherryPy does not apply to the server: warned about, their server keys not used', () => {
  const wrongCase = parseCherryPyConfig('[Global]\nserver.thread_pool = 4\n', 'w.conf');
  assert.deepEqual(wrongCase.settings, {});
  assert.match(wrongCase.warnings.join('\n'), /w\.conf:1: section \[Global\] .*server\.thread_pool is ignored.*did you mean \[global\]\?/);
  const inApp = parseCherryPyConfig("[global]\nserver.thread_pool = 4\n[/]\nserver.socket_timeout = 3\ntools.gzip.on = True\n", 'a.conf');
  assert.deepEqual(inApp.settings, { thread_pool: 4 });
  assert.match(inApp.warnings.join('\n'), /a\.conf:4: \[\/\] server\.socket_timeout only takes effect in \[global\]/);
  const typo = parseCherryPyConfig('[global]\ntool.gzip.on = True\nmyapp.db = 1\n', 't.conf');
  assert.deepEqual(typo.warnings, ['t.conf:2: tool.gzip.on: CherryPy has no "tool" namespace (did you mean tools.gzip.on?); it ignores the key unless the application registers one']);
});

test('refusals name the place and the reason in a line', () => {
  const cases: [string, RegExp][] = [
    ['server.thread_pool = 8\n[global]\n', /k\.conf:1: "server\.thread_pool = 8" comes before any \[section\]/],
    ['[global]\nserver.thread_pool = 8 ; two per core\n', /k\.conf:2: \[global\] server\.thread_pool = 8 ; two per core: not a value CherryPy can read \(invalid syntax at "per core"\)/],
    ['[global]\nserver.thread_pool = 1\nserver.thread_pool = 2\n', /k\.conf:3: server\.thread_pool appears twice in \[global\] \(first on line 2\)/],
    ["[global]\nlog.access_file = '/var/log/100%.log'\n", /k\.conf:2: log\.access_file in \[global\]: a % must be followed by % or \(name\)s.*write %% for a literal %/],
    ['[global]\ntools.encode.encoding = utf-8\n', /a string needs quotes: 'utf-8'/],
    ['\ufeff[global]\n', /k\.conf:1: the file starts with a byte-order mark/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseCherryPyConfig(text, 'k.conf'), (e: unknown) => e instanceof SettingsError && re.test(e.message) && !e.message.includes('\n'), text);
  }
});
