// The apache2.conf cpdiag runs: Debian's apache2 with only the modules a reverse proxy needs,
// one loopback listener proxying every path to one backend, every file (pid, logs, mutexes)
// inside the run's own directory so nothing touches /etc/apache2, /var or /run.
// Two front styles, as operators write them (CherryPy behind Apache with mod_rewrite):
//   rewrite:   RewriteRule ^(.*)$ http://backend$1 [P]  — mod_rewrite hands mod_proxy the path it
//              has already unescaped, so "%20" reaches the backend as a raw space;
//   proxypass: ProxyPass / http://backend/              — forwards the path still encoded.
// noEscape (rewrite only): the [NE] flag, mod_rewrite forwards the substituted path as it is.
// escapeFix (rewrite only): RewriteMap escape int:escape and ${escape:$1}, the account's fix.
// What Apache does with them depends on its version (measured on Debian's 2.4.71): since 2.4.56
// (CVE-2023-25690) a plain [P] has mod_proxy re-escape the path, so "%20" arrives as "%20" and the
// account's bug is gone, while its fix then escapes twice ("%2520": another path); with [P,NE] the
// unescaped space is still produced, and Apache refuses to forward it (403, AH10415) rather than
// send an invalid request line; older Apache sent "GET /a b HTTP/1.1" and cheroot answered 400.
// The escape fix is right together with NE.
// Pure: options in, text out.
import { apacheMaxRequestWorkers } from './proxy-limits.js';

export type ApacheStyle = 'rewrite' | 'proxypass';

export interface ApacheConfigOptions {
  dir: string;
  modulesDir: string;
  listenPort: number;
  upstreamHost: string;
  upstreamPort: number;
  style: ApacheStyle;
  escapeFix: boolean;
  /** The [NE] (noescape) flag on the RewriteRule. */
  noEscape: boolean;
  /** ProxyTimeout: how long Apache waits for the backend (connect, send, read). */
  timeoutS: number;
  /** Keep connections to the backend open between requests (mod_proxy's pool). */
  keepalive: boolean;
  /** mpm_event: worker threads per child and children; MaxRequestWorkers = their product. */
  threadsPerChild: number;
  serverLimit: number;
  /** Serve URLs under `prefix` from files under `root` (Alias prefix root+prefix), not from the backend. */
  static?: { prefix: string; root: string };
  /** User/Group for the children when apache2 runs as root (it refuses to serve as root). */
  user?: string;
  group?: string;
}

/** The access log format: "status method path-as-received" first, so the parser needs no quoting rules. */
export const APACHE_ACCESS_LOG_FORMAT = '%>s %D \\"%r\\"';

export function renderApacheConfig(o: ApacheConfigOptions): string {
  const d = o.dir;
  const host = o.upstreamHost.includes(':') ? `[${o.upstreamHost}]` : o.upstreamHost;
  const backend = `http://${host}:${o.upstreamPort}`;
  // Without keep-alive each request gets a fresh backend connection (disablereuse=On).
  const workerParams = `timeout=${o.timeoutS} ${o.keepalive ? 'keepalive=On' : 'disablereuse=On'}`;
  const maxWorkers = apacheMaxRequestWorkers(o.threadsPerChild, o.serverLimit);
  const front =
    o.style === 'proxypass'
      ? [...(o.static ? [`ProxyPass ${o.static.prefix} !`] : []), `ProxyPass / ${backend}/ ${workerParams}`, `ProxyPassReverse / ${backend}/`]
      : [
          // A <Proxy> section for the backend defines the worker (keep-alive, timeout) that [P] uses.
          `<Proxy ${backend}>`,
          `  ProxySet ${workerParams}`,
          '</Proxy>',
          'RewriteEngine on',
          o.escapeFix ? 'RewriteMap escape int:escape' : '',
          // The static prefix stays with Apache (its Alias): the rule skips it.
          o.static ? `RewriteCond %{REQUEST_URI} !^${o.static.prefix}` : '',
          `RewriteRule ^(.*)$ ${backend}${o.escapeFix ? '${escape:$1}' : '$1'} ${o.noEscape ? '[P,NE]' : '[P]'}`,
          `ProxyPassReverse / ${backend}/`,
        ];
  return [
    '# Written by cpdiag; lives and dies with one run.',
    `ServerRoot ${d}`,
    `PidFile ${d}/apache2.pid`,
    `Mutex file:${d} default`,
    `DefaultRuntimeDir ${d}`,
    `LoadModule mpm_event_module ${o.modulesDir}/mod_mpm_event.so`,
    `LoadModule authz_core_module ${o.modulesDir}/mod_authz_core.so`,
    `LoadModule rewrite_module ${o.modulesDir}/mod_rewrite.so`,
    `LoadModule proxy_module ${o.modulesDir}/mod_proxy.so`,
    `LoadModule proxy_http_module ${o.modulesDir}/mod_proxy_http.so`,
    o.static ? `LoadModule alias_module ${o.modulesDir}/mod_alias.so` : '',
    o.user ? `User ${o.user}` : '',
    o.group ? `Group ${o.group}` : '',
    'ServerName 127.0.0.1',
    `Listen 127.0.0.1:${o.listenPort}`,
    `ErrorLog ${d}/error.log`,
    'LogLevel warn proxy:warn proxy_http:warn',
    `LogFormat "${APACHE_ACCESS_LOG_FORMAT}" cpdiag`,
    `CustomLog ${d}/access.log cpdiag`,
    'KeepAlive On',
    `Timeout ${Math.max(1, Math.ceil(o.timeoutS))}`,
    `ProxyTimeout ${Math.max(1, Math.ceil(o.timeoutS))}`,
    'StartServers 1',
    `ServerLimit ${o.serverLimit}`,
    `ThreadsPerChild ${o.threadsPerChild}`,
    `ThreadLimit ${o.threadsPerChild}`,
    `MaxRequestWorkers ${maxWorkers}`,
    `MinSpareThreads ${o.threadsPerChild}`,
    `MaxSpareThreads ${maxWorkers}`,
    // Forward the client's Host (as the account's setup does); X-Forwarded-* are added by mod_proxy.
    'ProxyPreserveHost Off',
    'ProxyRequests Off',
    '<Location />',
    '  Require all granted',
    '</Location>',
    ...(o.static ? [`Alias ${o.static.prefix} ${o.static.root}${o.static.prefix}`, `<Directory ${o.static.root}>`, '  Require all granted', '</Directory>'] : []),
    ...front,
    '',
  ].filter((l) => l !== '').join('\n');
}
