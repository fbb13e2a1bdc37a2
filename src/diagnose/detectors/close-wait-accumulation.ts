// Are sockets stuck in CLOSE_WAIT? The peer hung up but this process never called close(): the
// socket (and its fd) leaks on some path, typically a client disconnecting mid-response. Sockets
// whose peer is a proxy on this machine are not counted here: a proxy that gave up on a request
// still queued leaves CLOSE_WAIT until a worker reaches it (close-wait-from-proxy).
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp } from '../strength.js';

export const id = 'close-wait-accumulation';

/** A few CLOSE_WAIT sockets pass in the instant between the peer's FIN and our close(); 20 do not. */
const CLOSE_WAIT_FROM = 2;
const CLOSE_WAIT_TO = 20;

export const detect: Detector = (f) => {
  if (!f.fds) return insufficient(id, ['fds']);
  const fromProxy = f.close_wait_proxy?.count ?? 0;
  const n = Math.max(0, f.fds.close_wait - fromProxy);
  const proxyNote = fromProxy > 0 ? ` (${fromProxy} more whose peer is ${f.close_wait_proxy!.proxy}, not counted)` : '';
  const ev = [evidence('close_wait', n, 'sockets', `${n} sockets in CLOSE_WAIT (peer closed, process did not)${proxyNote}`)];
  return graded(id, ramp(n, CLOSE_WAIT_FROM, CLOSE_WAIT_TO), ev);
};
