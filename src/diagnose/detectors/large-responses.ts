// Are responses large? Large downloads built in memory (or gzipped in process) cost RSS, and a
// streamed one left open on a client disconnect keeps its buffers and file.
import type { Detector } from '../detector-result.js';
import { evidence, insufficient, issue, none } from '../detector-result.js';
import { formatBytes } from '../../format.js';

export const id = 'large-responses';

/** 256 KiB: past the socket buffers, so a response is held while the client reads it. */
const LARGE_RESPONSE_BYTES = 256 * 1024;

export const detect: Detector = (f) => {
  if (f.mean_response_bytes === undefined) return insufficient(id, ['mean_response_bytes']);
  const b = f.mean_response_bytes;
  const ev = [evidence('mean_response_bytes', b, 'bytes', `mean response ${formatBytes(b)}`)];
  return b >= LARGE_RESPONSE_BYTES ? issue(id, 0.7, ev) : none(id, ev);
};
