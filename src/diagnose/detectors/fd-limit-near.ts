// Is the process close to its open-file limit? At the limit accept() fails with EMFILE and the
// server stops taking connections.
import type { Detector } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatPercent } from '../../format.js';

export const id = 'fd-limit-near';

/** 80% of the limit leaves too little room for a burst of connections. */
const FD_LIMIT_SHARE_ISSUE = 0.8;

export const detect: Detector = (f) => {
  if (!f.fds || !(f.fds.limit > 0)) return insufficient(id, ['fds']);
  const share = f.fds.count / f.fds.limit;
  const ev = [evidence('fd_limit_share', share, 'share', `${f.fds.count} open fds of a limit of ${f.fds.limit} (${formatPercent(share)})`)];
  return share >= FD_LIMIT_SHARE_ISSUE ? issue(id, clamp01(share), ev) : none(id, ev);
};
