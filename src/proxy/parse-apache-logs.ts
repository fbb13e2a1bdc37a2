// Apache's error log and cpdiag's access log format (apache-config.ts: status, µs, "request line").
// The error log says why a proxied request failed: connection refused (the backend is gone),
// a timeout (the backend did not answer within ProxyTimeout); the access log names the paths
// that were refused (400 from the backend, 403 from Apache itself), as the client sent them.
// Pure: text in, counts out.
import { topPaths } from './top-paths.js';
import { isApplicationServerError } from './status-origin.js';

export interface ApacheErrorLogSummary {
  /** "Connection refused" / "failed to make connection to backend": nobody listens on the backend port. */
  connection_refused: number;
  /** "Timeout on 100-Continue" / "timed out" / "(70007)": the backend did not answer in ProxyTimeout. */
  backend_timeouts: number;
  /** Backend closed or reset the connection before a full response. */
  backend_resets: number;
  /** AH10415 "To be forwarded path contains control characters or spaces": a rewrite produced an unescaped path. */
  unescaped_refused: number;
  /** AH00484 "server reached MaxRequestWorkers setting": every worker thread was busy, clients waited in the listen queue. */
  max_workers_reached: number;
  lines: string[];
}

export interface ApacheAccessLogSummary {
  requests: number;
  by_status: Record<string, number>;
  /** Request paths (as the client sent them) answered 400 or 403, most frequent first, at most 10. */
  paths_rejected: { path: string; count: number }[];
  /** How many of the 400/403 answers had an escaped character (%xx) in the path the client sent. */
  escaped_rejected: number;
  /**
   * 5xx answers Apache relayed from the backend: every 5xx but the gateway statuses Apache makes
   * itself when the backend fails it (502, 503, 504, each with its line in the error log). Apache's
   * log format cannot name the backend's own status, so a backend's own 502-504 count as Apache's.
   */
  relayed_5xx: number;
  /** Request paths of those relayed 5xx answers, most frequent first, at most 10. */
  paths_5xx: { path: string; count: number }[];
}


export function parseApacheErrorLog(text: string): ApacheErrorLogSummary {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const count = (re: RegExp) => lines.filter((l) => re.test(l)).length;
  return {
    connection_refused: count(/Connection refused|AH00957|AH01114|AH00959/),
    backend_timeouts: count(/\(70007\)|timed out|AH01102.*Timeout|Timeout was reached/i),
    backend_resets: count(/\(104\)|Connection reset by peer|prematurely|AH01110/),
    unescaped_refused: count(/AH10415|contains control characters or spaces/),
    max_workers_reached: count(/AH00484|reached MaxRequestWorkers/),
    lines,
  };
}

const ACCESS_LINE = /^(\d{3}) (\d+) "(?:\S+) (\S+)(?: \S+)?"$/;

export function parseApacheAccessLog(text: string): ApacheAccessLogSummary {
  const byStatus: Record<string, number> = {};
  const paths = new Map<string, number>();
  const paths5xx = new Map<string, number>();
  let requests = 0;
  let escaped = 0;
  let relayed = 0;
  for (const line of text.split('\n')) {
    const m = ACCESS_LINE.exec(line.trim());
    if (!m) continue;
    requests++;
    const status = m[1]!;
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (status === '400' || status === '403') {
      const path = m[3]!;
      paths.set(path, (paths.get(path) ?? 0) + 1);
      if (/%[0-9a-fA-F]{2}/.test(path)) escaped++;
    }
    if (isApplicationServerError(Number(status))) {
      relayed++;
      paths5xx.set(m[3]!, (paths5xx.get(m[3]!) ?? 0) + 1);
    }
  }
  return { requests, by_status: byStatus, paths_rejected: topPaths(paths), escaped_rejected: escaped, relayed_5xx: relayed, paths_5xx: topPaths(paths5xx) };
}
