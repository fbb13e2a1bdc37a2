import os from 'node:os';
import type { Environment } from './types.js';

/** The machine facts recorded with every document. */
export function captureEnvironment(): Environment {
  const cpus = os.cpus();
  const load = os.loadavg();
  return {
    hostname: os.hostname(),
    platform: `${os.platform()}-${os.arch()}`,
    kernel: os.release(),
    cpu_model: cpus[0]?.model?.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memory_bytes: os.totalmem(),
    node_version: process.version,
    load_average: [load[0], load[1], load[2]],
  };
}
