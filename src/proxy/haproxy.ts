// A real HAProxy as the load balancer in front of several processes on their own ports, started,
// configured and stopped by cpdiag exactly as its nginx is (nginx.ts): in the foreground (-db) as
// our child, supervised (src/target/spawn-supervised.ts: its own process group, stopped by stop(),
// by cpdiag's exit hook, or by the watchdog if cpdiag is killed outright), its config and pid file
// in a private directory that is removed with it.
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { registerTempDir, removeTempDir } from '../target/child-registry.js';
import { spawnSupervised, type SupervisedChild } from '../target/spawn-supervised.js';
import { ProcReader } from '../probe/proc-reader.js';
import { readProcessSnapshot } from '../probe/process-snapshot.js';
import { canConnect, isExecutable, parseLoopbackUrl, pickFreePort, readText } from './nginx.js';
import { renderHaproxyConfig } from './haproxy-config.js';

export interface HaproxyOptions {
  /** The servers of the backend, each http:// on loopback. */
  serverUrls: readonly string[];
  /** timeout server (how long a response may take); default 60 s, as nginx's proxy_read_timeout. */
  serverTimeoutS?: number;
  /** Override of the haproxy binary (else /usr/sbin/haproxy or haproxy on PATH). */
  haproxyPath?: string;
}

export interface Haproxy {
  url: string;
  pid: number;
  dir: string;
  /** Resolves when HAProxy exits (a crash, or stop()). */
  exited: Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_TIMEOUT_S = 60;
const CONNECT_TIMEOUT_S = 5;
const READY_TIMEOUT_MS = 5000;
const READY_POLL_MS = 25;
const STOP_TIMEOUT_MS = 3000;
const START_ATTEMPTS = 3;
const HAPROXY_CANDIDATES = ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy'];

export function findHaproxy(pathEnv = process.env.PATH ?? ''): string | undefined {
  return [...HAPROXY_CANDIDATES, ...pathEnv.split(delimiter).filter(Boolean).map((d) => join(d, 'haproxy'))].find(isExecutable);
}

export async function startHaproxy(opts: HaproxyOptions): Promise<Haproxy> {
  const haproxy = opts.haproxyPath !== undefined ? (isExecutable(opts.haproxyPath) ? opts.haproxyPath : undefined) : findHaproxy();
  if (!haproxy) throw new CpdiagError(`haproxy is not installed (looked ${opts.haproxyPath ?? 'in /usr/sbin and on PATH'})`, EXIT.MISSING_DEPENDENCY, 'apt-get install haproxy');
  const servers = opts.serverUrls.map(parseLoopbackUrl);
  let lastWhy = '';
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const started = await startOnce(haproxy, servers, opts, await pickFreePort());
    if ('url' in started) return started;
    lastWhy = started.why;
    // A free port picked by the kernel can be taken before HAProxy binds it: another port.
    if (!/cannot bind|Address already in use/i.test(started.why)) break;
  }
  throw new CpdiagError(`haproxy did not start: ${lastWhy}`, EXIT.TARGET_FAILED);
}

async function startOnce(haproxy: string, servers: { host: string; port: number }[], opts: HaproxyOptions, port: number): Promise<Haproxy | { why: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-haproxy-'));
  // Registered before anything runs in it: removed on any exit of cpdiag, even SIGKILL.
  registerTempDir(dir);
  const cfg = join(dir, 'haproxy.cfg');
  const timeoutS = opts.serverTimeoutS ?? DEFAULT_TIMEOUT_S;
  writeFileSync(cfg, renderHaproxyConfig({ dir, listenPort: port, servers, connectTimeoutS: CONNECT_TIMEOUT_S, clientTimeoutS: timeoutS, serverTimeoutS: timeoutS }));
  const stderrPath = join(dir, 'stderr.log');
  const stderrFd = openSync(stderrPath, 'w');
  let supervised: SupervisedChild;
  try {
    // -db: foreground, one process (no master-worker): the pid we get is the one that serves.
    supervised = spawnSupervised(haproxy, ['-f', cfg, '-db'], { stdio: ['ignore', stderrFd, stderrFd] });
  } finally {
    closeSync(stderrFd);
  }
  supervised.child.unref();
  const pid = supervised.pid ?? -1;
  const stop = async () => {
    await supervised.stop(STOP_TIMEOUT_MS);
    removeTempDir(dir);
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !supervised.hasExited()) {
    // Its own listening socket, not merely a connect: the port could be someone else's by now.
    if (listensOn(pid, port) && (await canConnect(port))) return { url: `http://127.0.0.1:${port}`, pid, dir, exited: supervised.exited.then(() => undefined), stop };
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  const why = readText(stderrPath).split('\n').filter((l) => /ALERT|error/i.test(l)).pop() ?? (supervised.hasExited() ? 'it exited during start' : `not listening on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms`);
  await stop();
  return { why: why.trim() };
}

/** Whether `pid` holds a listening TCP socket on `port` (from its fds and /proc/PID/net/tcp). */
export function listensOn(pid: number, port: number): boolean {
  const reader = new ProcReader('/proc');
  try {
    return readProcessSnapshot(reader, pid).sockets.listen.some((l) => l.port === port);
  } catch {
    return false;
  } finally {
    reader.close();
  }
}
