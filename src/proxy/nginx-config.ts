// The nginx.conf cpdiag runs: one loopback server proxying to an upstream of one server (a proxy
// in front) or several (a load balancer: nginx's default round robin over processes on their own
// ports), every path (pid, logs, temp files) inside the run's own directory so nothing touches
// /etc, /var or /run. Pure: options in, text out.
import { NGINX_ACCESS_LOG_FORMAT } from './parse-nginx-access-log.js';

export interface NginxConfigOptions {
  dir: string;
  listenPort: number;
  /** The upstream's servers: one behind a proxy, N behind a balancer. */
  upstreams: readonly { host: string; port: number }[];
  readTimeoutS: number;
  sendTimeoutS: number;
  connectTimeoutS: number;
  keepalive: boolean;
  buffering: boolean;
  clientMaxBodySize: string;
  /** Connections per worker process (client and upstream alike): a proxied request holds two. */
  workerConnections: number;
  /** Serve URLs under `prefix` from files under `root` (root + URI), not from the upstream. */
  static?: { prefix: string; root: string };
  /** Worker user; set when running as root, so that workers can use the private temp dir. */
  user?: string;
}

/** Upstream connections nginx keeps idle per worker when keepalive is on. */
const UPSTREAM_KEEPALIVE_CONNECTIONS = 16;

export function renderNginxConfig(o: NginxConfigOptions): string {
  const ms = (s: number) => `${Math.max(1, Math.round(s * 1000))}ms`;
  const hostOf = (h: string) => (h.includes(':') ? `[${h}]` : h);
  const d = o.dir;
  return [
    '# Written by cpdiag; lives and dies with one run.',
    o.user ? `user ${o.user};` : '',
    'worker_processes 1;',
    `pid ${d}/nginx.pid;`,
    `error_log ${d}/error.log warn;`,
    `events { worker_connections ${o.workerConnections}; }`,
    'http {',
    `  log_format cpdiag '${NGINX_ACCESS_LOG_FORMAT}';`,
    `  access_log ${d}/access.log cpdiag;`,
    `  client_body_temp_path ${d}/tmp/client_body;`,
    `  proxy_temp_path ${d}/tmp/proxy;`,
    `  fastcgi_temp_path ${d}/tmp/fastcgi;`,
    `  uwsgi_temp_path ${d}/tmp/uwsgi;`,
    `  scgi_temp_path ${d}/tmp/scgi;`,
    '  upstream cpdiag_upstream {',
    ...o.upstreams.map((u) => `    server ${hostOf(u.host)}:${u.port};`),
    o.keepalive ? `    keepalive ${UPSTREAM_KEEPALIVE_CONNECTIONS};` : '',
    '  }',
    '  server {',
    `    listen 127.0.0.1:${o.listenPort};`,
    `    client_max_body_size ${o.clientMaxBodySize};`,
    o.static ? `    location ${o.static.prefix} {\n      root ${o.static.root};\n    }` : '',
    '    location / {',
    '      proxy_pass http://cpdiag_upstream;',
    `      proxy_connect_timeout ${ms(o.connectTimeoutS)};`,
    `      proxy_read_timeout ${ms(o.readTimeoutS)};`,
    `      proxy_send_timeout ${ms(o.sendTimeoutS)};`,
    `      proxy_buffering ${o.buffering ? 'on' : 'off'};`,
    `      proxy_request_buffering ${o.buffering ? 'on' : 'off'};`,
    o.keepalive ? '      proxy_http_version 1.1;\n      proxy_set_header Connection "";' : '',
    '      proxy_set_header Host $http_host;',
    '      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '      proxy_set_header X-Forwarded-Proto $scheme;',
    '    }',
    '  }',
    '}',
    '',
  ].filter((l) => l !== '').join('\n');
}
