// The listen backlog is not in /proc/net/tcp (its tx_queue is not the backlog); `ss -ltn` shows it
// as Send-Q of a LISTEN socket (and the current accept queue as Recv-Q). ss is optional: without
// it the backlog is "unknown".
import { execFileSync } from 'node:child_process';

export interface SsListenRow {
  local: string;
  recvQ: number;
  sendQ: number;
}

/** Normalises "127.0.0.1:8080", "[::1]:8080", "*:8080", "0.0.0.0:8080" for matching. */
export function listenKey(local: string): string {
  const m = /^(.*):(\d+)$/.exec(local.trim());
  if (!m) return local;
  let host = m[1].replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  // ss prints a dual-stack wildcard listener ([::] with v6only off) as "*".
  if (host === '*') host = '::';
  if (host.startsWith('::ffff:')) host = host.slice(7);
  return `${host}:${m[2]}`;
}

/** Parses `ss -ltnH` (or with the header) output: State Recv-Q Send-Q Local Peer. */
export function parseSsListen(text: string): SsListenRow[] {
  const rows: SsListenRow[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5 || cols[0] !== 'LISTEN') continue;
    rows.push({ local: listenKey(cols[3]), recvQ: Number(cols[1]), sendQ: Number(cols[2]) });
  }
  return rows;
}

export type RunProgram = (file: string, args: string[]) => string | undefined;

/** Runs a program and returns its stdout, or undefined when it is missing or fails. */
export const runProgram: RunProgram = (file, args) => {
  try {
    return execFileSync(file, args, { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
};

/** Backlogs of every listening TCP socket ss can see, by listenKey; undefined when ss is unavailable. */
export function readListenBacklogs(run: RunProgram = runProgram): Map<string, number> | undefined {
  const text = run('ss', ['-ltnH']);
  if (text === undefined) return undefined;
  return new Map(parseSsListen(text).map((r) => [r.local, r.sendQ]));
}

/** The backlog of one listener: by exact address, else by port when only one listener has it. */
export function findBacklog(backlogs: Map<string, number> | undefined, local: string): number | null {
  if (!backlogs) return null;
  const key = listenKey(local);
  const exact = backlogs.get(key);
  if (exact !== undefined) return exact;
  const port = key.slice(key.lastIndexOf(':') + 1);
  const samePort = [...backlogs].filter(([k]) => k.endsWith(`:${port}`));
  return samePort.length === 1 ? samePort[0][1] : null;
}
