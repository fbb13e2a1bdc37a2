// The shipped sample examples/cherrypy/app.conf: CherryPy reads it as cpdiag does, and the example
// app started with -c uses it (a real CherryPy process: its cheroot statistics count the threads),
// while an explicit flag still wins over the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readCherryPyConfigFile } from '../../src/config/cherrypy-config.js';
import { assertReferenceAvailable, compareWithCherryPy, PYTHON } from './cherrypy-reference.js';

const APP = fileURLToPath(new URL('../../../examples/cherrypy/app.py', import.meta.url));
const CONF = fileURLToPath(new URL('../../../examples/cherrypy/app.conf', import.meta.url));

/** Starts the example app, reads cheroot's thread count from /cpstats/data, stops it. */
async function threadsOfApp(args: string[]): Promise<number> {
  const child = spawn(PYTHON, [APP, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /READY (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`app.py exited ${code}: ${stderr}`)));
    });
    const stats = (await (await fetch(`${url}/cpstats/data`)).json()) as Record<string, Record<string, unknown>>;
    const cheroot = Object.entries(stats).find(([k]) => k.startsWith('Cheroot HTTPServer'))?.[1];
    assert.ok(cheroot, `cheroot statistics in ${JSON.stringify(Object.keys(stats))}`);
    return cheroot.Threads as number;
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

test('examples/cherrypy/app.conf: CherryPy and cpdiag read the same values; cpdiag takes its settings', () => {
  assertReferenceAvailable();
  assert.deepEqual(compareWithCherryPy([CONF]), { accepted: 1, refused: 0 });
  const config = readCherryPyConfigFile(CONF);
  assert.deepEqual(config.settings, {
    socket_host: '127.0.0.1', socket_port: 8080, thread_pool: 8, socket_timeout: 10, socket_queue_size: 64,
    accepted_queue_size: -1, max_request_body_size: 10 * 1024 * 1024,
  });
  assert.deepEqual(config.ignored, ['server.shutdown_timeout', 'server.statistics']);
  assert.deepEqual(config.warnings, []);
});

test('examples/cherrypy/app.py -c app.conf runs with the file\'s thread pool; --thread-pool still wins', async () => {
  assertReferenceAvailable();
  assert.equal(await threadsOfApp(['-c', CONF, '--port', '0']), 8);
  assert.equal(await threadsOfApp(['-c', CONF, '--port', '0', '--thread-pool', '3']), 3);
  assert.equal(await threadsOfApp(['--port', '0']), 10, 'without -c: the built-in default');
});
