// Client connections that hold a cheroot worker without completing a request (browsers'
// preconnects, bare health checks, slowloris).
import net from 'node:net';

/**
 * `count` raw connections to a loopback port that never complete a request: even ones send
 * nothing, odd ones half a request head. A connection the server closes (its socket_timeout) is
 * opened again, as slowloris does. Bounded: everything closes at close() or after maxMs.
 */
export function holdConnections(port: number, count: number, maxMs: number): { close(): void; opened(): number } {
  const deadline = Date.now() + maxMs;
  const sockets = new Set<net.Socket>();
  let stopped = false;
  let opened = 0;
  const open = (i: number) => {
    if (stopped || Date.now() > deadline) return;
    const s = net.connect(port, '127.0.0.1', () => {
      opened++;
      if (i % 2 === 1) s.write('GET /work HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    });
    sockets.add(s);
    s.on('data', () => undefined);
    s.on('error', () => undefined);
    s.on('close', () => {
      sockets.delete(s);
      setTimeout(() => open(i), 20).unref();
    });
  };
  for (let i = 0; i < count; i++) open(i);
  const timer = setTimeout(() => close(), maxMs);
  timer.unref();
  const close = () => {
    stopped = true;
    clearTimeout(timer);
    for (const s of sockets) s.destroy();
  };
  return { close, opened: () => opened };
}
