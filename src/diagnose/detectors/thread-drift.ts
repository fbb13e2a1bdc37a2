// Does the thread count keep growing? cheroot's pool is fixed, so growth means threads made
// elsewhere (per connection, per request) and never joined.
import type { Detector } from '../detector-result.js';
import { detectDrift } from '../drift-detector.js';

export const id = 'thread-drift';

export const detect: Detector = (f) => detectDrift(f, 'threads', id);
