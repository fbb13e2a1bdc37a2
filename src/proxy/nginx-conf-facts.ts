// The few facts cpdiag needs from an nginx configuration that fronts a server: where it logs
// errors, how long it waits for the upstream, whether it keeps upstream connections alive, and
// which upstream ports it proxies to. Pure: text in, facts out; a rough reading of the directives
// (first occurrence wins, `include` is not followed), enough to recognise the proxy in front.

export interface NginxConfFacts {
  error_log?: string;
  proxy_read_timeout_s?: number;
  /** An upstream block with a `keepalive N;` directive. */
  keepalive: boolean;
  /** Ports named in proxy_pass URLs and upstream `server host:port` lines. */
  upstream_ports: number[];
}

/** nginx time: "1500ms", "1s", "2m", "1h", a bare number is seconds. */
export function parseNginxTimeS(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return undefined;
  const v = Number(m[1]);
  const unit = m[2] ?? 's';
  const factor = unit === 'ms' ? 0.001 : unit === 's' ? 1 : unit === 'm' ? 60 : unit === 'h' ? 3600 : 86400;
  return v * factor;
}

export function parseNginxConfFacts(text: string): NginxConfFacts {
  // Comments run from # to the end of the line.
  const body = text.split('\n').map((l) => l.replace(/#.*$/, '')).join('\n');
  const facts: NginxConfFacts = { keepalive: false, upstream_ports: [] };
  const errorLog = /(?:^|[;{}\s])error_log\s+([^\s;]+)/.exec(body);
  if (errorLog && errorLog[1] !== 'stderr' && !errorLog[1].startsWith('syslog:')) facts.error_log = errorLog[1];
  const readTimeout = /(?:^|[;{}\s])proxy_read_timeout\s+([^\s;]+)\s*;/.exec(body);
  if (readTimeout) facts.proxy_read_timeout_s = parseNginxTimeS(readTimeout[1]);
  for (const m of body.matchAll(/upstream\s+[^\s{]+\s*\{([^}]*)\}/g)) {
    if (/(?:^|[;\s])keepalive\s+\d+\s*;/.test(m[1])) facts.keepalive = true;
    for (const s of m[1].matchAll(/(?:^|[;\s])server\s+[^\s;:]+:(\d+)/g)) facts.upstream_ports.push(Number(s[1]));
  }
  for (const m of body.matchAll(/proxy_pass\s+https?:\/\/[^\s;/:]+:(\d+)/g)) facts.upstream_ports.push(Number(m[1]));
  facts.upstream_ports = [...new Set(facts.upstream_ports)].sort((a, b) => a - b);
  return facts;
}
