// Are request bodies refused for their size? cheroot answers 413 and closes the connection,
// which a client still uploading sees as a reset.
import type { Detector, Evidence } from '../detector-result.js';
import { clamp01, errorCount, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatBytes } from '../../format.js';

export const id = 'body-too-large';

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
  if (n413 >= 1 || over) return issue(id, clamp01(0.6 + (f.requests ? (n413 / f.requests) * 10 : 0) + (over ? 0.2 : 0)), ev);
  return none(id, ev);
};
