// Do open file descriptors keep growing? Each leaked socket or file is one more, until EMFILE.
//
// Two readings of the same leak. Over the window, the count's trend (the drift analysis). Or, when
// the leak ran into the descriptor limit before the window began (a fast leak fills 20,000 fds in a
// second), the level: the process at its limit while holding many times the descriptors its
// connections explain. A busy server at its limit holds about one fd per connection; one holding
// hundreds per connection has left them open on some path.
import type { Detector, DetectorResult } from '../detector-result.js';
import { evidence, graded } from '../detector-result.js';
import type { Findings } from '../findings.js';
import { detectDrift } from '../drift-detector.js';
import { ramp, rampLog } from '../strength.js';
import { formatNumber, formatPercent } from '../../format.js';

export const id = 'fd-drift';

/** At the limit: 95% of it (the last few fds come and go with accepts that fail). */
const AT_LIMIT_FROM = 0.9;
const AT_LIMIT_TO = 0.95;
/**
 * What a process needs besides its connections: its own files, logs, listening sockets, a database
 * connection pool, pipes (a CherryPy process starts with 10–30).
 */
const FD_BASELINE = 64;
/** Descriptors per connection (baseline included) from which they are held beyond any use: 4 to 16. */
const BEYOND_USE_FROM = 4;
const BEYOND_USE_TO = 16;

export const detect: Detector = (f) => {
  const drift = detectDrift(f, 'fds', id);
  if (drift.status === 'issue') return drift;
  return leakAtLimit(f, drift) ?? drift;
};

function leakAtLimit(f: Findings, drift: DetectorResult): DetectorResult | undefined {
  const connections = f.connections?.established ?? f.client_concurrency;
  if (!f.fds || !(f.fds.limit > 0) || connections === undefined || !(connections >= 0)) return undefined;
  const share = f.fds.count / f.fds.limit;
  const perConnection = f.fds.count / (connections + FD_BASELINE);
  const strength = ramp(share, AT_LIMIT_FROM, AT_LIMIT_TO) * rampLog(perConnection, BEYOND_USE_FROM, BEYOND_USE_TO);
  if (!(strength > 0)) return undefined;
  return graded(id, strength, [
    ...drift.evidence,
    evidence('fds_at_limit_per_connection', perConnection, 'ratio',
      `${formatNumber(f.fds.count)} open fds, ${formatPercent(share)} of the limit of ${formatNumber(f.fds.limit)}, with ${formatNumber(connections)} client connections: ${formatNumber(perConnection)}× what the connections and a process's own ${FD_BASELINE} explain — the leak reached the limit before the window began`),
  ]);
}
