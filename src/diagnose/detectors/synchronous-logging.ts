// Does every request wait for a log write? cpdiag cannot see logging from outside; the field is
// filled only when the user or an instrumented app reports it.
import type { Detector } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatPercent } from '../../format.js';

export const id = 'synchronous-logging';

/** A tenth of the service time in log writes is worth moving off the request path. */
const LOG_SHARE_ISSUE = 0.1;
/** Synchronous handlers with no measured share: likely but unproven. */
const UNMEASURED_STRENGTH = 0.4;

export const detect: Detector = (f) => {
  if (!f.logging) return insufficient(id, ['logging (time spent writing logs per request)']);
  const { synchronous, share_of_service_time: share } = f.logging;
  const ev = [evidence('logging_synchronous', synchronous ? 1 : 0, 'bool',
    `logging is ${synchronous ? 'synchronous on the request thread' : 'asynchronous'}${share !== undefined ? `, ${formatPercent(share)} of service time` : ''}`)];
  if (!synchronous) return none(id, ev);
  if (share === undefined) return issue(id, UNMEASURED_STRENGTH, ev);
  return share >= LOG_SHARE_ISSUE ? issue(id, clamp01(0.4 + share), ev) : none(id, ev);
};
