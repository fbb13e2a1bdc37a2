// Does the traffic carry large request bodies? Read whole into memory (request.body.read()), each
// costs its size in RSS per concurrent request.
import type { Detector } from '../detector-result.js';
import { evidence, insufficient, issue, none } from '../detector-result.js';
import { formatBytes } from '../../format.js';

export const id = 'large-request-bodies';

/** 1 MiB per request times a pool of workers is where buffered bodies show in RSS. */
const LARGE_BODY_BYTES = 1024 * 1024;

export const detect: Detector = (f) => {
  if (f.max_request_body_bytes === undefined) return insufficient(id, ['max_request_body_bytes']);
  const b = f.max_request_body_bytes;
  const ev = [evidence('max_request_body_bytes', b, 'bytes', `largest request body ${formatBytes(b)}`)];
  return b >= LARGE_BODY_BYTES ? issue(id, 0.7, ev) : none(id, ev);
};
