// The haproxy.cfg cpdiag runs as a load balancer: one loopback frontend, one backend of N servers
// (processes on their own ports), HAProxy's default round robin, everything but the config file
// (pid file, no log target) kept out of /etc, /var and /run. One thread, as cpdiag's nginx runs
// one worker: the balancer's own CPU stays one core's worth and comparable. Pure: options in,
// text out.

export interface HaproxyConfigOptions {
  dir: string;
  listenPort: number;
  servers: readonly { host: string; port: number }[];
  /** Seconds; HAProxy has no default and warns without them. */
  connectTimeoutS: number;
  clientTimeoutS: number;
  serverTimeoutS: number;
}

/** Connections HAProxy accepts at once: far above the ladders cpdiag climbs (several hundred users). */
const MAX_CONNECTIONS = 4096;
/** A refused connect is retried this many times, the last on another server (option redispatch). */
const RETRIES = 2;

export function renderHaproxyConfig(o: HaproxyConfigOptions): string {
  const ms = (s: number) => `${Math.max(1, Math.round(s * 1000))}ms`;
  const hostOf = (h: string) => (h.includes(':') ? `[${h}]` : h);
  return [
    '# Written by cpdiag; lives and dies with one run.',
    'global',
    `  pidfile ${o.dir}/haproxy.pid`,
    '  nbthread 1',
    `  maxconn ${MAX_CONNECTIONS}`,
    'defaults',
    '  mode http',
    `  timeout connect ${ms(o.connectTimeoutS)}`,
    `  timeout client ${ms(o.clientTimeoutS)}`,
    `  timeout server ${ms(o.serverTimeoutS)}`,
    `  retries ${RETRIES}`,
    '  option redispatch',
    '  option forwardfor',
    'frontend cpdiag_front',
    `  bind 127.0.0.1:${o.listenPort}`,
    '  default_backend cpdiag_backends',
    'backend cpdiag_backends',
    '  balance roundrobin',
    ...o.servers.map((s, i) => `  server backend${i + 1} ${hostOf(s.host)}:${s.port}`),
    '',
  ].join('\n');
}
