// Are sockets stuck in CLOSE_WAIT? The peer hung up but this process never called close(): the
// socket (and its fd) leaks on some path, typically a client disconnecting mid-response.
import type { Detector } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';

export const id = 'close-wait-accumulation';

/** A few CLOSE_WAIT sockets pass in the instant between the peer's FIN and our close(). */
const CLOSE_WAIT_ISSUE = 5;

export const detect: Detector = (f) => {
  if (!f.fds) return insufficient(id, ['fds']);
  const n = f.fds.close_wait;
  const ev = [evidence('close_wait', n, 'sockets', `${n} sockets in CLOSE_WAIT (peer closed, process did not)`)];
  return n >= CLOSE_WAIT_ISSUE ? issue(id, clamp01(0.4 + n / 50), ev) : none(id, ev);
};
