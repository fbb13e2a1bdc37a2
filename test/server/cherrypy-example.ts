// Starts the real CherryPy example app (examples/cherrypy/app.py) under Debian's python3, for
// tests and benches that compare the bundled server with cheroot. CherryPy's per-application
// request counter (the cpstats tool) is switched on from outside the app, so that "how many
// requests reached the application" can be read back without changing the example.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { httpGet } from './http-util.js';

export const SYSTEM_PYTHON = '/usr/bin/python3';
/** dist/test/server/ → the repository's examples/cherrypy/app.py */
export const EXAMPLE_APP_PATH = fileURLToPath(new URL('../../../examples/cherrypy/app.py', import.meta.url));

export interface CherryPyExample {
  url: string;
  pid: number;
  child: ChildProcess;
  /** cheroot / CherryPy versions as the running interpreter reports them. */
  versions: { cherrypy: string; cheroot: string };
  /** Requests that reached the CherryPy application so far, not counting this query itself. */
  requestsSeen(): Promise<number>;
  stop(): Promise<void>;
}

export interface CherryPyExampleOptions {
  threadPool?: number;
  socketTimeoutS?: number;
  socketQueueSize?: number;
  readyTimeoutMs?: number;
}

/** Why CherryPy cannot be run here, or undefined when it can. Tests treat a reason as a failure: CI installs it. */
export function cherryPyMissing(): string | undefined {
  if (!existsSync(SYSTEM_PYTHON)) return `${SYSTEM_PYTHON} not found (CI installs python3-cherrypy3)`;
  const r = spawnSync(SYSTEM_PYTHON, ['-c', 'import cherrypy, cheroot'], { encoding: 'utf8' });
  if (r.status !== 0) return `${SYSTEM_PYTHON} cannot import cherrypy (CI installs python3-cherrypy3): ${r.stderr.trim().split('\n').pop()}`;
  return undefined;
}

// Runs the example as its own __main__, with cpstats counting every request of the application.
const LAUNCHER = `
import runpy, sys, cherrypy, cheroot
cherrypy.config.update({'tools.cpstats.on': True})
sys.stderr.write('VERSIONS cherrypy=%s cheroot=%s\\n' % (cherrypy.__version__, cheroot.__version__))
sys.stderr.flush()
app = sys.argv[1]
sys.argv = [app] + sys.argv[2:]
runpy.run_path(app, run_name='__main__')
`;

export async function startCherryPyExample(opts: CherryPyExampleOptions = {}): Promise<CherryPyExample> {
  const missing = cherryPyMissing();
  if (missing) throw new Error(missing);
  const args = ['-c', LAUNCHER, EXAMPLE_APP_PATH, '--port', '0',
    '--thread-pool', String(opts.threadPool ?? 10),
    '--socket-timeout', String(opts.socketTimeoutS ?? 10),
    '--socket-queue-size', String(opts.socketQueueSize ?? 5)];
  const child = spawn(SYSTEM_PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const versions = { cherrypy: '?', cheroot: '?' };
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (t: string) => {
    stderr = (stderr + t).slice(-4000);
    const m = /VERSIONS cherrypy=(\S+) cheroot=(\S+)/.exec(stderr);
    if (m) { versions.cherrypy = m[1]; versions.cheroot = m[2]; }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`CherryPy example not ready: ${stderr.slice(-500)}`)); }, opts.readyTimeoutMs ?? 30_000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (t: string) => {
      out += t;
      const m = /READY (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`CherryPy example exited (code ${code}): ${stderr.slice(-500)}`)); });
  });
  // Every query is itself a request of the application: counted here and taken off.
  let queries = 0;
  return {
    url,
    pid: child.pid!,
    child,
    versions,
    async requestsSeen() {
      const r = await httpGet(`${url}/cpstats/data`);
      queries++;
      return Number(JSON.parse(r.body)['CherryPy Applications']['Total Requests']) - queries;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
