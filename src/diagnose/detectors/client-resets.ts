// Did clients see connections reset or closed without a response? The server (or the proxy) hung
// up on them: a timeout, a refused body, or a crash.
import type { Detector } from '../detector-result.js';
import { clamp01, errorCount, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatPercent } from '../../format.js';

export const id = 'client-resets';

/** One request in a thousand dropped without an answer is more than a network blip. */
const RESET_RATE_ISSUE = 0.001;

export const detect: Detector = (f) => {
  if (!f.errors) return insufficient(id, ['errors']);
  const resets = errorCount(f.errors.by_kind, 'reset');
  const closed = errorCount(f.errors.by_kind, 'closed');
  const n = resets + closed;
  const rate = f.requests ? n / f.requests : f.errors.rate;
  const ev = [evidence('client_resets', n, 'requests', `${resets} connections reset and ${closed} closed without a response (${formatPercent(rate)} of requests)`)];
  return n >= 1 && rate >= RESET_RATE_ISSUE ? issue(id, clamp01(0.4 + rate * 10), ev) : none(id, ev);
};
