import type { SweepPreset } from './sweep-preset.js';

/**
 * timeout: normal clients at a fixed rate well under the pool's capacity, plus slow uploaders
 * trickling a body at 1 byte/s (a pause of 1 s between bytes, see load/slow-clients.ts). A
 * socket_timeout below the pause cuts them off; above it they hold a worker for the whole step.
 * 8 slow clients against CherryPy's default pool of 10 leave 2 workers for the normal load.
 */
export const TIMEOUT_PRESET: SweepPreset = {
  name: 'timeout',
  setting: 'socket_timeout',
  values: [0.5, 1, 2, 5, 10],
  mixPath: '/work?io_ms=20&cpu_ms=1',
  slowClients: { count: 8, upload_bytes_per_s: 1, request: { method: 'POST', path: '/upload', body_bytes: 64, weight: 1 } },
  ramp: { mode: 'open', levels: [60], maxRps: 20000, maxLevels: 1, levelS: 5, firstWarmupS: 0.5, warmupS: 0.2 },
  budgetS: 60,
  fixedLoad: true,
};
