// nginx's error log, counted by what went wrong between nginx and the upstream. Pure: text in,
// counts out. The message texts are nginx's own (src/http/ngx_http_upstream.c); the errno in
// parentheses is Linux's (110 ETIMEDOUT, 104 ECONNRESET, 111 ECONNREFUSED).

export interface NginxErrorLogSummary {
  /** "upstream timed out (110: Connection timed out) while reading response header from upstream": a 504. */
  upstream_timeouts: number;
  /** "upstream prematurely closed connection while reading response header from upstream": a 502. */
  premature_closes: number;
  /** "recv() failed (104: Connection reset by peer) while reading response header from upstream": a 502. */
  upstream_resets: number;
  /** "connect() failed (111: Connection refused) while connecting to upstream": a 502, server down. */
  upstream_refused: number;
  /** "1024 worker_connections are not enough": nginx ran out of connections and dropped or failed requests. */
  worker_connections_exhausted: number;
  /** Every non-empty line, in order. */
  lines: string[];
}

const UPSTREAM_TIMED_OUT = /upstream timed out/;
const PREMATURE_CLOSE = /upstream prematurely closed connection/;
const RESET_BY_PEER = /\(104: Connection reset by peer\)/;
const REFUSED = /\(111: Connection refused\)/;
const CONNECTIONS_EXHAUSTED = /worker_connections are not enough/;
/** Resets and refusals count only on the upstream side; a client resetting nginx is not ours. */
const UPSTREAM_CONTEXT = /upstream/;

export function parseNginxErrorLog(text: string): NginxErrorLogSummary {
  const out: NginxErrorLogSummary = { upstream_timeouts: 0, premature_closes: 0, upstream_resets: 0, upstream_refused: 0, worker_connections_exhausted: 0, lines: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '') continue;
    out.lines.push(line);
    if (CONNECTIONS_EXHAUSTED.test(line)) out.worker_connections_exhausted++;
    else if (UPSTREAM_TIMED_OUT.test(line)) out.upstream_timeouts++;
    else if (PREMATURE_CLOSE.test(line)) out.premature_closes++;
    else if (RESET_BY_PEER.test(line) && UPSTREAM_CONTEXT.test(line)) out.upstream_resets++;
    else if (REFUSED.test(line) && UPSTREAM_CONTEXT.test(line)) out.upstream_refused++;
  }
  return out;
}
