// {config} in a --cmd template: the operator's CherryPy config with the start's settings applied,
// in a private folder that goes with the target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { resolveSettings } from '../../src/config/settings.js';
import { parseCherryPyConfig } from '../../src/config/cherrypy-config.js';
import { settingsToWrite, wantsConfigFile, writeConfigForStart } from '../../src/target/config-placeholder.js';
import { startTarget } from '../../src/target/start-target.js';

test('the values written: host and port always, and each setting that differs from the file', () => {
  const settings = resolveSettings({ thread_pool: 4, socket_timeout: 10, socket_port: 41234 });
  assert.deepEqual(settingsToWrite(settings, { thread_pool: 8, socket_timeout: 10 }), { socket_host: '127.0.0.1', socket_port: 41234, thread_pool: 4 });
  // Not in the file: compared with CherryPy's default (socket_timeout 10 is the default, so not written).
  assert.deepEqual(settingsToWrite(resolveSettings({ socket_queue_size: 64 }), {}), { socket_host: '127.0.0.1', socket_port: 8080, socket_queue_size: 64 });
  assert.equal(wantsConfigFile('python3 app.py -c {config}'), true);
  assert.equal(wantsConfigFile('python3 app.py --port {port}'), false);
});

test('the file: the operator\'s, with the values in place, comments and app sections kept; mode 0700 folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-ph-'));
  try {
    const source = join(dir, 'app.conf');
    writeFileSync(source, "# mine\n[global]\nserver.thread_pool = 8  # two per core\nserver.socket_port = 8080\nengine.autoreload.on = False\n\n[/static]\ntools.staticdir.on = True\n");
    const written = writeConfigForStart(resolveSettings({ thread_pool: 2, socket_port: 39999 }), source);
    const text = readFileSync(written.path, 'utf8');
    assert.match(text, /^# mine\n\[global\]\nserver\.thread_pool = 2\n/);
    assert.match(text, /server\.socket_port = 39999/);
    assert.match(text, /\[\/static\]\ntools\.staticdir\.on = True/);
    const parsed = parseCherryPyConfig(text, 'written');
    assert.equal(parsed.settings.thread_pool, 2);
    assert.equal(parsed.settings.socket_host, '127.0.0.1');
    assert.equal(statSync(dirname(written.path)).mode & 0o777, 0o700);
    written.cleanup();
    assert.equal(existsSync(dirname(written.path)), false);
    // Without an operator's file: a [global] with the values alone.
    const bare = writeConfigForStart(resolveSettings({ thread_pool: 3 }), undefined);
    assert.equal(parseCherryPyConfig(readFileSync(bare.path, 'utf8'), 'bare').settings.thread_pool, 3);
    bare.cleanup();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a command target gets {config}; the folder is removed when it stops, or when it fails to start', async () => {
  const script = `const fs=require('node:fs');const t=fs.readFileSync(process.argv[1],'utf8');const port=/socket_port = (\\d+)/.exec(t)[1];require('node:http').createServer((q,s)=>s.end(JSON.stringify({file:process.argv[1],text:t}))).listen(+port,'127.0.0.1')`;
  const target = await startTarget({ kind: 'command', command: `${process.execPath} -e "${script.replace(/"/g, '\\"')}" {config}` }, resolveSettings({ thread_pool: 5 }));
  let file = '';
  try {
    const body = (await (await fetch(target.url)).json()) as { file: string; text: string };
    file = body.file;
    assert.match(body.text, /server\.thread_pool = 5/);
    assert.ok(existsSync(file));
  } finally {
    await target.stop();
  }
  assert.equal(existsSync(dirname(file)), false, 'the private folder went with the target');
  await assert.rejects(startTarget({ kind: 'command', command: `${process.execPath} -e "process.exit(3)" {config}`, ready_timeout_s: 5 }, resolveSettings({})), /exited before it was ready/);
});
