// Test targets for the load engine: small node:http servers, in-process or in a child process
// (when the target must not share the generator's event loop, e.g. to stall it), and the
// bundled reference server, started as cpdiag starts it (test/helpers/bundled-server.ts).
import http from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { spawnSupervised } from '../../src/target/spawn-supervised.js';
import { spawnBundledServer } from '../helpers/bundled-server.js';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

export async function startHttpServer(
  handler: http.RequestListener,
  tune?: (s: http.Server) => void,
): Promise<TestServer & { server: http.Server }> {
  const server = http.createServer(handler);
  tune?.(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers after at least delayMs by the high-resolution clock (setTimeout may fire early). */
export function delayedHandler(delayMs: number): http.RequestListener {
  return (req, res) => {
    const t0 = process.hrtime.bigint();
    const due = BigInt(Math.round(delayMs * 1e6));
    const finish = (): void => {
      if (process.hrtime.bigint() - t0 < due) {
        setImmediate(finish);
        return;
      }
      res.end('ok');
    };
    req.resume();
    req.on('end', () => setTimeout(finish, delayMs));
  };
}

/** A port nobody listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Starts `node -e source` in a child; the child prints its URL as its first stdout line. */
export async function startChildServer(source: string, timeoutMs = 10_000): Promise<TestServer & { child: ChildProcess }> {
  // Supervised as cpdiag's own children are: it dies with the test process, however that ends.
  const { child } = spawnSupervised(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await readUrlLine(child, timeoutMs);
  return { child, url, close: () => stopChild(child) };
}

function readUrlLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('child server did not print its URL in time'));
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /(http:\/\/\S+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace(/\/$/, ''));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child server exited early (code ${code}) before printing its URL`));
    });
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const hard = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The bundled reference server, started as a bundled target is; a failure to start fails the test. */
export async function startBundledServer(args: string[]): Promise<TestServer & { child: ChildProcess }> {
  const server = await spawnBundledServer({}, { extraArgs: args, readyTimeoutMs: 15_000 });
  return { child: server.child, url: server.url, close: () => server.stop() };
}

/** A plan with test defaults; override what the test is about. */
export function basePlan(url: string) {
  return {
    url,
    duration_s: 2,
    warmup_s: 0.3,
    mix: [],
    timeout_ms: 2000,
    window_ms: 500,
    seed: 7,
  };
}

/**
 * Source of a child-process server that answers after exactly delayMs by the hrtime clock, so
 * that the generator's event loop never shares a thread with the target's timers.
 */
export function exactDelayServerSource(delayMs: number): string {
  return `
import http from 'node:http';
const due = ${Math.round(delayMs * 1e6)}n;
const s = http.createServer((req, res) => {
  const t0 = process.hrtime.bigint();
  const finish = () => (process.hrtime.bigint() - t0 >= due ? res.end('ok') : setImmediate(finish));
  req.resume();
  req.on('end', () => setTimeout(finish, ${delayMs}));
});
s.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + s.address().port));
`;
}
