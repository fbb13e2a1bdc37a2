// Did the server itself refuse request lines as malformed (cheroot's 400 "Malformed Request-Line",
// e.g. a raw space a rewriting proxy decoded)? Only the server's own counter (the bundled server's
// requests.bad_request_400) can say: a client sees the same 400 when the application refuses a
// bad parameter. Without such a counter the question stays open.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { rampLog } from '../strength.js';
import { formatPercent } from '../../format.js';

export const id = 'malformed-request-lines';

/** One in ten thousand requests to one in a hundred refused as malformed. */
const RATE_FROM = 1e-4;
const RATE_TO = 0.01;

export const detect: Detector = (f) => {
  if (f.bad_request_count === undefined) {
    return insufficient(id, ["bad_request_count (the server's own count of malformed requests: the bundled server's stats, a proxy log)"]);
  }
  const n = f.bad_request_count;
  const rate = f.requests ? n / f.requests : undefined;
  const ev = [evidence('malformed_requests', n, 'requests', `the server counted ${n} malformed requests (400 before the application)${rate !== undefined ? `, ${formatPercent(rate)} of requests` : ''}`)];
  return graded(id, n >= 1 ? (rate !== undefined ? Math.max(0.3, rampLog(rate, RATE_FROM, RATE_TO)) : 0.6) : 0, ev);
};
