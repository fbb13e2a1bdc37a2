// Does the traffic carry large request bodies? Read whole into memory (request.body.read()), each
// costs its size in RSS per concurrent request.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { rampLog } from '../strength.js';
import { formatBytes } from '../../format.js';

export const id = 'large-request-bodies';

/** Around 1 MiB per request times a pool of workers buffered bodies show in RSS (256 KiB to 4 MiB). */
const BODY_FROM_BYTES = 256 * 1024;
const BODY_TO_BYTES = 4 * 1024 * 1024;

export const detect: Detector = (f) => {
  if (f.max_request_body_bytes === undefined) return insufficient(id, ['max_request_body_bytes']);
  const b = f.max_request_body_bytes;
  const ev = [evidence('max_request_body_bytes', b, 'bytes', `largest request body ${formatBytes(b)}`)];
  return graded(id, rampLog(b, BODY_FROM_BYTES, BODY_TO_BYTES), ev);
};
