// Are the CLOSE_WAIT sockets the proxy's? A proxy in front (nginx, Apache) that times out closes its
// upstream connection while the request is still queued here, waiting for a worker; the socket
// stays in CLOSE_WAIT until a worker reaches it. That is queueing seen through the proxy, not a
// socket leak.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient, none } from '../detector-result.js';
import { ramp } from '../strength.js';

export const id = 'close-wait-from-proxy';

/** As close-wait-accumulation: a couple are a race, twenty are requests the proxy abandoned. */
const CLOSE_WAIT_FROM = 2;
const CLOSE_WAIT_TO = 20;

export const detect: Detector = (f) => {
  if (!f.fds) return insufficient(id, ['fds']);
  const p = f.close_wait_proxy;
  if (!p) {
    if (f.fds.close_wait === 0) return none(id, [evidence('close_wait_proxy', 0, 'sockets', 'no socket in CLOSE_WAIT')]);
    return insufficient(id, ['close_wait_proxy (whether the peer that closed is a proxy on this machine)']);
  }
  const ev = [evidence('close_wait_proxy', p.count, 'sockets', `${p.count} sockets in CLOSE_WAIT whose peer is ${p.proxy}: it gave up on requests still queued here`)];
  return graded(id, ramp(p.count, CLOSE_WAIT_FROM, CLOSE_WAIT_TO), ev);
};
