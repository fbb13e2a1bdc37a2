// Is gzip spending CPU (and memory, as whole bodies are compressed in process) on output that
// does not shrink: images, archives, already-compressed binaries?
import type { Detector } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatPercent } from '../../format.js';

export const id = 'gzip-incompressible';

/** A third of the bytes already compressed: gzip burns CPU for nothing on that third. */
const PRECOMPRESSED_SHARE_ISSUE = 0.3;

export const detect: Detector = (f) => {
  if (!f.compression) return insufficient(id, ['compression (gzip on, share of already-compressed output)']);
  const { gzip_on: on, precompressed_share: share } = f.compression;
  if (!on) return none(id, [evidence('gzip_on', 0, 'bool', 'gzip is off')]);
  if (share === undefined) return insufficient(id, ['compression.precompressed_share'], [evidence('gzip_on', 1, 'bool', 'gzip is on')]);
  const ev = [evidence('precompressed_share', share, 'share', `gzip is on and ${formatPercent(share)} of the output is already compressed`)];
  return share >= PRECOMPRESSED_SHARE_ISSUE ? issue(id, clamp01(0.4 + share / 2), ev) : none(id, ev);
};
