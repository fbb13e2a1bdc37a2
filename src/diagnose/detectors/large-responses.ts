// Are responses large? Large downloads built in memory (or gzipped in process) cost RSS, and a
// streamed one left open on a client disconnect keeps its buffers and file.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { rampLog } from '../strength.js';
import { formatBytes } from '../../format.js';

export const id = 'large-responses';

/** Past the socket buffers (64 KiB to 1 MiB) a response is held while the client reads it. */
const RESPONSE_FROM_BYTES = 64 * 1024;
const RESPONSE_TO_BYTES = 1024 * 1024;

export const detect: Detector = (f) => {
  if (f.mean_response_bytes === undefined) return insufficient(id, ['mean_response_bytes']);
  const b = f.mean_response_bytes;
  const ev = [evidence('mean_response_bytes', b, 'bytes', `mean response ${formatBytes(b)}`)];
  return graded(id, rampLog(b, RESPONSE_FROM_BYTES, RESPONSE_TO_BYTES), ev);
};
