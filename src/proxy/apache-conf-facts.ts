// What Apache's configuration says about where it logs: the server-wide ErrorLog (relative paths
// under ServerRoot, ${VAR}s from the master's environment, as Debian's apache2ctl sets
// APACHE_LOG_DIR), so that an inspection can read what the proxy in front saw. Pure: text in.
import { isAbsolute, join } from 'node:path';

export interface ApacheConfFacts {
  server_root?: string;
  /** The server-wide error log file; undefined when none is named or it is piped or syslog. */
  error_log?: string;
}

/** Debian's and the compiled-in default ServerRoot. */
export const APACHE_DEFAULT_SERVER_ROOT = '/etc/apache2';

/**
 * ServerRoot and the first ErrorLog outside any <VirtualHost> (the server-wide log; virtual hosts
 * may have their own). `serverRootFlag` is the master's -d; `env` expands ${VAR}.
 */
export function parseApacheConfFacts(text: string, env: Record<string, string> = {}, serverRootFlag?: string): ApacheConfFacts {
  const expand = (v: string) => v.replace(/\$\{(\w+)\}/g, (_m, k: string) => env[k] ?? '');
  const unquote = (v: string) => v.replace(/^"(.*)"$/, '$1');
  let serverRoot = serverRootFlag;
  let errorLog: string | undefined;
  let depth = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (/^<\s*VirtualHost\b/i.test(line)) depth++;
    else if (/^<\s*\/\s*VirtualHost\b/i.test(line)) depth = Math.max(0, depth - 1);
    const m = /^(\w+)\s+(.+)$/.exec(line);
    if (!m || depth > 0) continue;
    const [, key, value] = m;
    if (/^ServerRoot$/i.test(key) && serverRootFlag === undefined) serverRoot = expand(unquote(value.trim()));
    else if (/^ErrorLog$/i.test(key) && errorLog === undefined) errorLog = expand(unquote(value.trim()));
  }
  const root = serverRoot ?? APACHE_DEFAULT_SERVER_ROOT;
  const out: ApacheConfFacts = { server_root: root };
  // A piped log ("|rotatelogs ...") or syslog has no file to read.
  if (errorLog && !errorLog.startsWith('|') && !/^syslog(:|$)/i.test(errorLog)) out.error_log = isAbsolute(errorLog) ? errorLog : join(root, errorLog);
  return out;
}

/** Apache's error-log time stamp ("[Wed Dec 02 10:41:29.123456 2026]", local time) as epoch ms. */
export function apacheLogTimeMs(line: string): number | undefined {
  const m = /^\[\w{3} (\w{3}) (\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? (\d{4})\]/.exec(line);
  if (!m) return undefined;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(m[1]);
  if (month < 0) return undefined;
  return new Date(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).getTime();
}
