// Is a proxy (nginx, Apache) in front of the inspected server, on this machine? It is when one of
// its processes holds connections to the server's listening port, or (nginx) its configuration
// proxies to that port. Then the server's inbound CLOSE_WAIT sockets are the proxy's: it closed
// connections whose requests were still queued here (a timeout), which is queueing, not a socket
// leak. When its configuration names a readable error log, the log's upstream errors are counted
// (what the proxy saw): nginx's from its configuration, Apache's from its ErrorLog (the master's
// -f/-d flags and environment resolve it). Reads /proc and the proxy's files; never signals anything.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseProcStat } from '../probe/parse-stat.js';
import { classifyFdLink } from '../probe/parse-fd-link.js';
import { parseTcpTables } from '../probe/tcp-sockets.js';
import type { TcpRow } from '../probe/parse-net-tcp.js';
import type { ProcReader } from '../probe/proc-reader.js';
import { parseNginxConfFacts, type NginxConfFacts } from '../proxy/nginx-conf-facts.js';
import { parseNginxErrorLog, type NginxErrorLogSummary } from '../proxy/parse-nginx-error-log.js';
import { parseApacheErrorLog } from '../proxy/parse-apache-logs.js';
import { apacheLogTimeMs, parseApacheConfFacts } from '../proxy/apache-conf-facts.js';

const PROXY_NAMES = /^(nginx|apache2|httpd)$/;
/** Read at most the last 1 MiB of an error log: enough for the recent window, bounded for a huge log. */
const ERROR_LOG_TAIL_BYTES = 1024 * 1024;
/** Log lines older than this before the inspection are history, not what the proxy sees now. */
export const ERROR_LOG_RECENT_S = 300;

export interface ProxyInFront {
  pid: number;
  name: string;
  /** "nginx (pid 4242)" */
  label: string;
  /** How it was recognised. */
  how: 'connections' | 'configuration';
  /** The server's inbound CLOSE_WAIT sockets whose peer is the proxy's address. */
  close_wait_from_proxy: number;
  config_path?: string;
  read_timeout_s?: number;
  keepalive?: boolean;
  error_log_path?: string;
  /**
   * The error log's upstream errors of the last ERROR_LOG_RECENT_S seconds (Apache's in the same
   * terms: backend timeouts, resets, refused connects; it has no "premature close" line).
   */
  error_log?: Omit<NginxErrorLogSummary, 'lines'> & { last_lines: string[] };
  /** Why the error log could not be read, when it could not. */
  error_log_unreadable?: string;
}

export interface TargetSockets {
  /** The server's listening ports. */
  listenPorts: number[];
  /** The server's own TCP rows (last sample). */
  rows: TcpRow[];
}

/** nginx error-log time stamps ("2024/05/01 12:00:00", local time) as epoch ms; undefined when absent. */
export function nginxLogTimeMs(line: string): number | undefined {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(line);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])).getTime();
}

/** Only the lines of the last ERROR_LOG_RECENT_S before `nowMs` (lines without a time stamp are kept). */
export function recentLogText(text: string, nowMs: number, timeOf: (line: string) => number | undefined = nginxLogTimeMs): string {
  return text.split('\n').filter((l) => {
    const t = timeOf(l);
    return t === undefined || t >= nowMs - ERROR_LOG_RECENT_S * 1000;
  }).join('\n');
}

export function findProxyInFront(reader: ProcReader, targetPid: number, target: TargetSockets, nowMs = Date.now()): ProxyInFront | undefined {
  if (target.listenPorts.length === 0) return undefined;
  const candidates: { pid: number; name: string }[] = [];
  for (const pid of reader.pids()) {
    if (pid === targetPid) continue;
    const r = reader.tryRead(pid, 'stat');
    if (r.text === undefined) continue;
    try {
      const st = parseProcStat(r.text);
      if (PROXY_NAMES.test(st.comm)) candidates.push({ pid, name: st.comm });
    } catch {
      // vanished mid-read
    }
  }
  if (candidates.length === 0) return undefined;
  let allRows: TcpRow[];
  try {
    allRows = parseTcpTables(reader.netTcp(targetPid));
  } catch {
    return undefined;
  }
  const ports = new Set(target.listenPorts);
  // Connections from a candidate's sockets to the server's listening port.
  let found: { pid: number; name: string; how: ProxyInFront['how']; sources: Set<string> } | undefined;
  for (const c of candidates) {
    const inodes = new Set<number>();
    try {
      for (const e of reader.fds(c.pid)) {
        const k = classifyFdLink(e.link);
        if (k.type === 'socket' && k.inode !== undefined) inodes.add(k.inode);
      }
    } catch {
      continue;
    }
    const toUs = allRows.filter((r) => inodes.has(r.inode) && ports.has(r.remote.port));
    if (toUs.length > 0) {
      found = { ...c, how: 'connections', sources: new Set(toUs.map((r) => r.local.address)) };
      break;
    }
  }
  // nginx's configuration, from its master's command line (-c FILE, -p PREFIX) or the default.
  let facts: NginxConfFacts | undefined;
  let configPath: string | undefined;
  if (found?.name === 'nginx') {
    const conf = readNginxConf(reader, found.pid);
    if (conf) {
      facts = conf.facts;
      configPath = conf.path;
    }
  } else if (!found) {
    // No connection to tell by (every one given up): an nginx whose configuration proxies to the port.
    for (const c of candidates.filter((x) => x.name === 'nginx')) {
      const conf = readNginxConf(reader, c.pid);
      if (conf && conf.facts.upstream_ports.some((p) => ports.has(p))) {
        facts = conf.facts;
        configPath = conf.path;
        found = { ...c, how: 'configuration', sources: new Set() };
        break;
      }
    }
  }
  if (!found) return undefined;
  // Inbound CLOSE_WAIT sockets (local port = a listening port) from the proxy's address (or any
  // loopback address when the proxy holds no connection to tell its source by).
  const fromProxy = target.rows.filter((r) => r.state === 'CLOSE_WAIT' && ports.has(r.local.port)
    && (found!.sources.size > 0 ? found!.sources.has(r.remote.address) : isLoopback(r.remote.address))).length;
  const out: ProxyInFront = {
    pid: found.pid, name: found.name, label: `${found.name} (pid ${found.pid})`, how: found.how, close_wait_from_proxy: fromProxy,
  };
  if (found.name === 'nginx' && facts) {
    out.config_path = configPath;
    if (facts.proxy_read_timeout_s !== undefined) out.read_timeout_s = facts.proxy_read_timeout_s;
    out.keepalive = facts.keepalive;
    if (facts.error_log) {
      out.error_log_path = facts.error_log;
      try {
        const text = recentLogText(readTail(facts.error_log, ERROR_LOG_TAIL_BYTES), nowMs);
        const { lines, ...counts } = parseNginxErrorLog(text);
        out.error_log = { ...counts, last_lines: lines.slice(-5) };
      } catch (e) {
        out.error_log_unreadable = e instanceof Error ? e.message : String(e);
      }
    }
  } else if (found.name !== 'nginx') {
    const conf = readApacheConf(reader, found.pid);
    if (conf?.error_log) {
      out.config_path = conf.path;
      out.error_log_path = conf.error_log;
      try {
        const log = parseApacheErrorLog(recentLogText(readTail(conf.error_log, ERROR_LOG_TAIL_BYTES), nowMs, apacheLogTimeMs));
        out.error_log = {
          upstream_timeouts: log.backend_timeouts, premature_closes: 0, upstream_resets: log.backend_resets, upstream_refused: log.connection_refused,
          // Apache's 'every worker busy' in the field that carries nginx's: the proxy's own limit, reached.
          worker_connections_exhausted: log.max_workers_reached,
          last_lines: log.lines.slice(-5),
        };
      } catch (e) {
        out.error_log_unreadable = e instanceof Error ? e.message : String(e);
      }
    }
  }
  return out;
}

/**
 * Apache's configuration, from its master's command line (-f FILE, -d SERVERROOT; Debian's default
 * /etc/apache2/apache2.conf) and environment (${APACHE_LOG_DIR} and the like).
 */
function readApacheConf(reader: ProcReader, pid: number): { path: string; error_log?: string } | undefined {
  let master = pid;
  try {
    const ppid = parseProcStat(reader.stat(pid)).ppid;
    if (PROXY_NAMES.test(parseProcStat(reader.stat(ppid)).comm)) master = ppid;
  } catch {
    // the parent is gone or unreadable: read this process's own command line
  }
  let words: string[];
  try {
    words = reader.cmdline(master);
  } catch {
    return undefined;
  }
  const at = (flag: string) => {
    const i = words.indexOf(flag);
    return i >= 0 ? words[i + 1] : undefined;
  };
  const root = at('-d');
  let path = at('-f') ?? 'apache2.conf';
  if (!isAbsolute(path)) path = join(root ?? '/etc/apache2', path);
  const env = Object.fromEntries((reader.tryRead(master, 'environ').text ?? '').split('\0').filter((x) => x.includes('='))
    .map((x) => [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)]));
  try {
    return { path, ...parseApacheConfFacts(readFileSync(path, 'utf8'), env, root) };
  } catch {
    return undefined;
  }
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

/**
 * nginx's configuration, from its master's command line. nginx rewrites its argv into one title
 * ("nginx: master process /usr/sbin/nginx -p DIR -c FILE -e LOG -g ..."), so the words are split
 * again; -c defaults to /etc/nginx/nginx.conf, -e (nginx >= 1.19.5) overrides error_log.
 */
function readNginxConf(reader: ProcReader, pid: number): { path: string; facts: NginxConfFacts } | undefined {
  let master = pid;
  try {
    const ppid = parseProcStat(reader.stat(pid)).ppid;
    if (parseProcStat(reader.stat(ppid)).comm === 'nginx') master = ppid;
  } catch {
    // the parent is gone or unreadable: read this process's own command line
  }
  let words: string[];
  try {
    words = reader.cmdline(master).join(' ').split(/\s+/).filter(Boolean);
  } catch {
    return undefined;
  }
  const at = (flag: string) => {
    const i = words.indexOf(flag);
    return i >= 0 ? words[i + 1] : undefined;
  };
  const prefix = at('-p');
  let path = at('-c') ?? '/etc/nginx/nginx.conf';
  if (!isAbsolute(path) && prefix) path = join(prefix, path);
  try {
    const facts = parseNginxConfFacts(readFileSync(path, 'utf8'));
    const errorLog = at('-e') ?? facts.error_log;
    if (errorLog && errorLog !== 'stderr') facts.error_log = !isAbsolute(errorLog) && prefix ? join(prefix, errorLog) : errorLog;
    return { path, facts };
  } catch {
    return undefined;
  }
}

function readTail(path: string, maxBytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
