// Do open file descriptors keep growing? Each leaked socket or file is one more, until EMFILE.
import type { Detector } from '../detector-result.js';
import { detectDrift } from '../drift-detector.js';

export const id = 'fd-drift';

export const detect: Detector = (f) => detectDrift(f, 'fds', id);
