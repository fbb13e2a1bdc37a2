// Did connections fail to arrive? With a closed loop of N clients, fewer than N connections
// established means the rest were refused or left in SYN retries: the listen backlog
// (server.socket_queue_size, capped by net.core.somaxconn) overflowed while the acceptor was
// behind. The kernel counts it (TcpExt ListenOverflows / ListenDrops in /proc/net/netstat);
// those counters are machine-wide, so they support rather than decide.
import type { Detector, Evidence } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp, rampLog } from '../strength.js';
import { formatCount, formatPercent } from '../../format.js';

export const id = 'listen-queue-overflow';

/** 2% of the clients never connected can be a slow start; a quarter never did is a refusal. */
const SHORTFALL_FROM = 0.02;
const SHORTFALL_TO = 0.25;
/** Overflows over the run (a handful is a blip, a hundred is a backlog too small). */
const OVERFLOWS_FROM = 2;
const OVERFLOWS_TO = 100;
/**
 * Overflows while every client did connect (SYN retries succeeded): delays, not refusals, and the
 * counters are the machine's: on a host shared with other listeners they may be another socket's
 * (healthy corpus runs on a shared machine saw 17-27 with every connection in). Weak alone.
 */
const OVERFLOWS_ALONE = 0.2;
/** The same with this server's own listen queue seen at half its backlog (→ full): attributable, delays. */
const OVERFLOWS_ALONE_OWN = 0.5;
const OWN_QUEUE_FROM = 0.5;
const OWN_QUEUE_TO = 1;
/** A shortfall without the kernel's counters: another limit (the client, a firewall) could explain it. */
const SHORTFALL_ALONE = 0.7;

export const detect: Detector = (f) => {
  const c = f.connections;
  if (!c || !(c.requested > 0)) return insufficient(id, ['connections (closed-loop connections requested and established)']);
  const shortfall = Math.max(0, 1 - c.established / c.requested);
  const ev: Evidence[] = [evidence('connections_established_share', c.established / c.requested, 'share',
    `${formatCount(c.established)} of ${formatCount(c.requested)} requested connections established (${formatPercent(shortfall)} never connected)${c.backlog !== undefined ? `; listen backlog ${c.backlog}` : ''}`)];
  const short = ramp(shortfall, SHORTFALL_FROM, SHORTFALL_TO);
  if (c.listen_overflows === undefined) return graded(id, short * SHORTFALL_ALONE, ev);
  const overflows = c.listen_overflows;
  ev.push(evidence('listen_overflows', overflows, 'events', `the kernel counted ${formatCount(overflows)} listen-queue overflows and ${formatCount(c.listen_drops ?? 0)} drops during the run (all sockets of the machine)`));
  const over = rampLog(overflows + 1, OVERFLOWS_FROM, OVERFLOWS_TO);
  // Overflows with every client in are this server's only if its own listen queue was seen near
  // its backlog: the corpus's healthy runs on a shared machine counted 17-167 overflows with their
  // queue at 0-7 of 128 (other sockets'). Seen far below the backlog, they are not this server's.
  const queueMax = f.saturation?.listen_queue_max;
  const own = queueMax !== undefined && c.backlog !== undefined && c.backlog > 0 ? ramp(queueMax / c.backlog, OWN_QUEUE_FROM, OWN_QUEUE_TO) : undefined;
  const alone = own === undefined ? over * OVERFLOWS_ALONE : over * OVERFLOWS_ALONE_OWN * own;
  return graded(id, Math.max(short * (0.5 + 0.5 * over), alone), ev);
};
