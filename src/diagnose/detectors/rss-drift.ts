// Does resident memory keep growing under steady load? Steady load should reach a steady heap.
import type { Detector } from '../detector-result.js';
import { detectDrift } from '../drift-detector.js';

export const id = 'rss-drift';

export const detect: Detector = (f) => detectDrift(f, 'rss_bytes', id);
