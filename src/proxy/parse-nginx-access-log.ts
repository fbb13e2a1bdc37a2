// nginx's access log in cpdiag's format (nginx-config.ts: status, upstream status, upstream header
// time, "request line"): which answers nginx relayed from the backend and which it made itself.
// A 5xx with an upstream header time is the backend's own answer, relayed; without one ("-") nginx
// never got a response header (refused, reset, timed out, or nginx's own failure, such as running
// out of worker_connections, which it answers 500). Pure: text in, counts out.
import { topPaths } from './top-paths.js';
import { isApplicationServerError } from './status-origin.js';

export interface NginxAccessLogSummary {
  requests: number;
  by_status: Record<string, number>;
  /** The application's 5xx (status-origin.ts: not 502-504) whose response header came from the backend ($upstream_header_time set). */
  relayed_5xx: number;
  /** 5xx answers nginx made itself (no response header from the backend). */
  own_5xx: number;
  /** Request paths of the relayed 5xx answers, most frequent first, at most 10. */
  paths_5xx: { path: string; count: number }[];
}

/** The log_format nginx-config.ts declares; the parser below reads exactly this. */
export const NGINX_ACCESS_LOG_FORMAT = '$status $upstream_status $upstream_header_time "$request"';

// "500 500 0.012 "GET /work?fail=0.2 HTTP/1.1"", "502 502 - "GET / HTTP/1.1"", "200 - - "GET /static/a HTTP/1.1"".
// With retries the upstream fields are lists ("502, 500" / "-, 0.004"): the last is the answer sent.
const LINE = /^(\d{3}) (.+?) ([-\d., :]+?) "(?:\S+) (\S+)(?: \S+)?"$/;

export function parseNginxAccessLog(text: string): NginxAccessLogSummary {
  const byStatus: Record<string, number> = {};
  const paths = new Map<string, number>();
  const out: NginxAccessLogSummary = { requests: 0, by_status: byStatus, relayed_5xx: 0, own_5xx: 0, paths_5xx: [] };
  for (const raw of text.split('\n')) {
    const m = LINE.exec(raw.trim());
    if (!m) continue;
    out.requests++;
    const status = m[1]!;
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (!status.startsWith('5')) continue;
    const headerTime = m[3]!.split(/[,:]/).map((t) => t.trim()).filter(Boolean).pop() ?? '-';
    if (headerTime === '-') out.own_5xx++;
    else if (isApplicationServerError(Number(status))) {
      out.relayed_5xx++;
      paths.set(m[4]!, (paths.get(m[4]!) ?? 0) + 1);
    }
  }
  out.paths_5xx = topPaths(paths);
  return out;
}
