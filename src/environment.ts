import os from 'node:os';

/** Machine facts recorded with every document, so that numbers are read in their context. */
export interface Environment {
  hostname: string;
  platform: string;
  kernel: string;
  cpu_model: string;
  cores: number;
  memory_bytes: number;
  node_version: string;
  load_average: [number, number, number];
}

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
