// Are request bodies refused for their size? cheroot answers 413 and closes the connection,
// which a client still uploading sees as a reset.
import type { Detector, Evidence } from '../detector-result.js';
import { errorCount, evidence, graded, insufficient } from '../detector-result.js';
import { rampLog } from '../strength.js';
import { formatBytes } from '../../format.js';

export const id = 'body-too-large';

/** One refused body is already a fact; the share of requests refused (0.1% to 10%) adds to it. */
const BASE_STRENGTH = 0.5;
const RATE_FROM = 1e-3;
const RATE_TO = 0.1;
/** Bodies in the mix over the limit: certain to be refused, whatever the run's counts. */
const OVER_LIMIT_STRENGTH = 0.2;

export const detect: Detector = (f) => {
  const limit = f.settings?.max_request_body_size;
  const knowsBodies = f.max_request_body_bytes !== undefined && limit !== undefined;
  if (!f.errors && !knowsBodies) return insufficient(id, ['errors', 'max_request_body_bytes']);
  const n413 = errorCount(f.errors?.by_kind, 'http_413');
  const ev: Evidence[] = [evidence('http_413', n413, 'responses', `${n413} responses 413 Request Entity Too Large`)];
  let over = false;
  if (knowsBodies && limit! > 0) {
    over = f.max_request_body_bytes! > limit!;
    ev.push(evidence('max_request_body_bytes', f.max_request_body_bytes!, 'bytes', `largest request body ${formatBytes(f.max_request_body_bytes!)} vs server.max_request_body_size ${formatBytes(limit!)}`));
  }
  if (n413 < 1 && !over) return graded(id, 0, ev);
  const rate = f.requests ? n413 / f.requests : 0;
  return graded(id, BASE_STRENGTH + (1 - BASE_STRENGTH - OVER_LIMIT_STRENGTH) * rampLog(rate, RATE_FROM, RATE_TO) + (over ? OVER_LIMIT_STRENGTH : 0), ev);
};
