// Is the process close to its open-file limit? At the limit accept() fails with EMFILE and the
// server stops taking connections.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp } from '../strength.js';
import { formatPercent } from '../../format.js';

export const id = 'fd-limit-near';

/** From 60% of the limit a burst of connections can reach it; at 90% one nearly will. */
const FD_LIMIT_SHARE_FROM = 0.6;
const FD_LIMIT_SHARE_TO = 0.9;

export const detect: Detector = (f) => {
  if (!f.fds || !(f.fds.limit > 0)) return insufficient(id, ['fds']);
  const share = f.fds.count / f.fds.limit;
  const ev = [evidence('fd_limit_share', share, 'share', `${f.fds.count} open fds of a limit of ${f.fds.limit} (${formatPercent(share)})`)];
  return graded(id, ramp(share, FD_LIMIT_SHARE_FROM, FD_LIMIT_SHARE_TO), ev);
};
