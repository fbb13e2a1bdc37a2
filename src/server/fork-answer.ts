// What a fork-per-request child answers, decided once for both ways of forking (the native
// fork() of the warm master and the fallback's new node process): the route's status and body,
// and the handler's work to do first. The fork model serves /work, /, not-found and the
// out-of-band endpoints; the rest answer 501 (their handlers need the thread pool's machinery).
import type { Route } from './routes.js';

export interface ForkAnswer {
  status: number;
  type: string;
  body: string | Buffer;
  /** The handler's work before the answer: a blocking wait, then CPU time (no GIL to share: one process, one thread). */
  ioMs: number;
  cpuMs: number;
}

const text = (status: number, body: string): ForkAnswer => ({ status, type: 'text/plain', body, ioMs: 0, cpuMs: 0 });

/** `stats`: the master's document at the fork (a child has no counters of its own). */
export function forkAnswer(route: Route, stats: unknown): ForkAnswer {
  switch (route.kind) {
    case 'stats': return { status: 200, type: 'application/json', body: JSON.stringify(stats), ioMs: 0, cpuMs: 0 };
    case 'healthz': return text(200, 'ok\n');
    case 'readyz': return text(200, 'ready\n');
    case 'bad': return text(400, `${route.message}\n`);
    case 'headers': return text(501, '/headers is not served by the fork-per-request model\n');
    case 'job': break;
  }
  if (route.endpoint === 'not_found') return text(404, 'Not Found\n');
  if (route.endpoint !== 'work' && route.endpoint !== 'index') return text(501, `${route.endpoint} is not served by the fork-per-request model\n`);
  const { ioMs = 0, cpuMs = 0 } = route.job;
  // fail=1: the handler raised after its work (a fork has no request number, so only a share of 1 fails every time).
  const body = route.fail ? 'Internal Server Error\n' : route.responseBytes > 0 ? Buffer.alloc(route.responseBytes, 'x') : 'ok\n';
  return { status: route.fail ? 500 : 200, type: 'text/plain', body, ioMs, cpuMs };
}
