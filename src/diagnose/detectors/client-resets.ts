// Did clients see connections reset or closed without a response? The server (or the proxy) hung
// up on them: a timeout, a refused body, or a crash.
import type { Detector } from '../detector-result.js';
import { errorCount, evidence, graded, insufficient } from '../detector-result.js';
import { rampLog } from '../strength.js';
import { formatPercent } from '../../format.js';

export const id = 'client-resets';

/** From three in ten thousand requests dropped without an answer (a blip) to 3% (a pattern). */
const RESET_RATE_FROM = 3e-4;
const RESET_RATE_TO = 0.03;

export const detect: Detector = (f) => {
  if (!f.errors) return insufficient(id, ['errors']);
  const resets = errorCount(f.errors.by_kind, 'reset');
  const closed = errorCount(f.errors.by_kind, 'closed');
  const n = resets + closed;
  const rate = f.requests ? n / f.requests : f.errors.rate;
  const ev = [evidence('client_resets', n, 'requests', `${resets} connections reset and ${closed} closed without a response (${formatPercent(rate)} of requests)`)];
  return graded(id, n >= 1 ? rampLog(rate, RESET_RATE_FROM, RESET_RATE_TO) : 0, ev);
};
