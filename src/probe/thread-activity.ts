// What is each thread doing? Pure classification of one thread's /proc readings (state, syscall,
// wchan) into an activity, with the peer named for socket I/O, and grouping of activities into
// the one-line summary a person reads first ("12 threads blocked in recvfrom on 127.0.0.1:5432,
// 2 waiting in futex, 1 in epoll_wait, 1 running").
import { classifyFdLink } from './parse-fd-link.js';
import { formatEndpoint, type TcpRow } from './parse-net-tcp.js';
import type { SyscallState } from './parse-syscall.js';
import { FD_IO_SYSCALLS, POLL_SYSCALLS, SLEEP_SYSCALLS, syscallName } from './syscall-names.js';

export type ActivityKind = 'running' | 'io' | 'poll' | 'lock' | 'sleep' | 'disk' | 'stopped' | 'zombie' | 'other';

export interface ThreadReading {
  tid: number;
  name: string;
  /** stat state letter. */
  state: string;
  cpuTicks: number;
  /** undefined when /proc/PID/task/TID/syscall could not be read. */
  syscall?: SyscallState;
  wchan?: string;
}

export interface ThreadActivity {
  kind: ActivityKind;
  /** Syscall name (or the wchan-derived stand-in). */
  call?: string;
  /** For fd I/O: what the fd is (peer address, listening address, pipe, file). */
  target?: string;
  /** The grouping key and the text: "blocked in recvfrom on 127.0.0.1:5432". */
  label: string;
  /** futex word address (arg0), for spotting threads parked on one queue. */
  futexAddr?: bigint;
  /** True when a futex wait has a timeout (arg3 ≠ 0): a timed wait (e.g. CPython's GIL), not a parked idle thread. */
  futexTimed?: boolean;
  /** User-space return address of the syscall: identical for threads parked by the same code. */
  pc?: bigint;
  /** 'syscall' when read from /proc/.../syscall, 'wchan' when inferred from the kernel wait channel. */
  source: 'syscall' | 'wchan' | 'state';
  /**
   * For I/O on a TCP connection accepted on one of the process's own listening ports (a client of
   * this server, not an outbound peer): whether the thread waits to read from it or to write to it.
   */
  client?: 'read' | 'write';
}

export interface FdContext {
  /** fd number → link text (socket:[N], pipe:[N], path). */
  links: Map<number, string>;
  /** socket inode → TCP row. */
  tcpByInode: Map<number, TcpRow>;
  /**
   * The one pollfd a thread waits on in poll/ppoll with nfds 1 (its fd and events), read at the
   * address the syscall's first argument gives; undefined when it cannot be read. CPython waits
   * this way on every socket with a timeout (cheroot sets socket_timeout on each connection), so
   * without it a worker waiting for its client shows only "in poll", on no socket.
   */
  readPollFd?: (address: bigint) => { fd: number; events: number } | undefined;
}

/** poll(2) event bits: data to read, room to write. */
const POLLIN = 0x1;
const POLLOUT = 0x4;
/** Calls that wait to read from an fd (the others of FD_IO_SYSCALLS write, connect or accept). */
const READ_SYSCALLS = new Set(['read', 'readv', 'pread64', 'recvfrom', 'recvmsg', 'recvmmsg']);
const WRITE_SYSCALLS = new Set(['write', 'writev', 'pwrite64', 'sendto', 'sendmsg', 'sendmmsg', 'sendfile']);

/** The ports the process listens on (its own LISTEN sockets), once per context. */
const listenPortsOf = new WeakMap<FdContext, Set<number>>();

function listenPorts(ctx: FdContext): Set<number> {
  let ports = listenPortsOf.get(ctx);
  if (ports) return ports;
  const own = new Set<number>();
  for (const link of ctx.links.values()) {
    const c = classifyFdLink(link);
    if (c.type === 'socket' && c.inode !== undefined) own.add(c.inode);
  }
  ports = new Set<number>();
  // Iterated, not looked up: a miss may make a lookup re-read the TCP tables (sampler.ts).
  for (const row of ctx.tcpByInode.values()) if (row.state === 'LISTEN' && own.has(row.inode)) ports.add(row.local.port);
  listenPortsOf.set(ctx, ports);
  return ports;
}

/** Kernel wait channels (wchan) and the syscall they stand for, when syscall is not readable. */
const WCHAN_HINTS: [RegExp, string, ActivityKind][] = [
  [/futex/, 'futex', 'lock'],
  [/ep_poll|do_epoll_wait/, 'epoll_wait', 'poll'],
  [/do_select|core_sys_select/, 'select', 'poll'],
  [/do_sys_poll|do_poll/, 'poll', 'poll'],
  [/inet_csk_accept|accept/, 'accept', 'io'],
  [/sk_wait_data|tcp_recvmsg|sk_stream_wait|wait_woken|unix_stream/, 'socket I/O', 'io'],
  [/pipe_(read|write|wait)/, 'pipe I/O', 'io'],
  [/hrtimer_nanosleep|do_nanosleep|clock_nanosleep/, 'nanosleep', 'sleep'],
  [/do_wait|kernel_wait4/, 'wait4', 'other'],
  [/io_schedule|folio_wait|wait_on_page|blk_|jbd2|ext4/, 'disk I/O', 'disk'],
];

interface FdDescription {
  target: string;
  /** A connection accepted on one of the process's listening ports. */
  accepted?: boolean;
}

function describeFd(fd: number, ctx: FdContext): FdDescription | undefined {
  const link = ctx.links.get(fd);
  if (link === undefined) return undefined;
  const c = classifyFdLink(link);
  if (c.type === 'socket' && c.inode !== undefined) {
    const row = ctx.tcpByInode.get(c.inode);
    if (!row) return { target: 'a socket' };
    if (row.state === 'LISTEN') return { target: `listening ${formatEndpoint(row.local)}` };
    // A client of this server: one label for all of them (their ports differ), never a "peer".
    if (listenPorts(ctx).has(row.local.port)) return { target: `a client of ${formatEndpoint(row.local)}`, accepted: true };
    return { target: formatEndpoint(row.remote) };
  }
  if (c.type === 'pipe') return { target: 'a pipe' };
  return { target: link };
}

export function classifyThread(t: ThreadReading, ctx: FdContext): ThreadActivity {
  if (t.state === 'Z' || t.state === 'X') return { kind: 'zombie', label: 'exited (zombie)', source: 'state' };
  if (t.state === 'T' || t.state === 't') return { kind: 'stopped', label: 'stopped', source: 'state' };
  const sc = t.syscall;
  if (t.state === 'R' || sc?.kind === 'running') return { kind: 'running', label: 'running', source: sc ? 'syscall' : 'state' };
  if (sc?.kind === 'syscall') {
    const call = syscallName(sc.nr);
    const base = { call, pc: sc.pc, source: 'syscall' as const };
    if (t.state === 'D') return { ...base, kind: 'disk', label: `in uninterruptible ${call} (D)` };
    if (FD_IO_SYSCALLS.has(call)) {
      const d = describeFd(Number(sc.args[0]), ctx);
      const label = d ? `blocked in ${call} on ${d.target}` : `blocked in ${call}`;
      const direction = READ_SYSCALLS.has(call) ? 'read' : WRITE_SYSCALLS.has(call) ? 'write' : undefined;
      return { ...base, kind: 'io', target: d?.target, label, ...(d?.accepted && direction ? { client: direction } : {}) };
    }
    if ((call === 'poll' || call === 'ppoll') && sc.args[1] === 1n && ctx.readPollFd) {
      // One fd with a deadline: a socket with a timeout (CPython) waiting to be readable or writable.
      const p = ctx.readPollFd(sc.args[0]);
      const d = p ? describeFd(p.fd, ctx) : undefined;
      if (p && d) {
        const direction = p.events & POLLIN ? 'read' : p.events & POLLOUT ? 'write' : undefined;
        return { ...base, kind: 'io', target: d.target, label: `blocked in ${call} on ${d.target}`, ...(d.accepted && direction ? { client: direction } : {}) };
      }
    }
    if (call === 'futex' || call === 'futex_waitv') {
      return { ...base, kind: 'lock', label: 'waiting in futex', futexAddr: sc.args[0], futexTimed: sc.args[3] !== 0n };
    }
    if (POLL_SYSCALLS.has(call)) return { ...base, kind: 'poll', label: `in ${call}` };
    if (SLEEP_SYSCALLS.has(call)) return { ...base, kind: 'sleep', label: `sleeping in ${call}` };
    return { ...base, kind: 'other', label: `in ${call}` };
  }
  if (t.state === 'D') return { kind: 'disk', label: 'in uninterruptible wait (D)', source: 'state' };
  if (t.wchan && t.wchan !== '0') {
    for (const [re, call, kind] of WCHAN_HINTS) {
      if (re.test(t.wchan)) {
        const label = kind === 'lock' ? 'waiting in futex' : kind === 'sleep' ? `sleeping in ${call}` : kind === 'io' ? `blocked in ${call}` : `in ${call}`;
        return { kind, call, label, source: 'wchan' };
      }
    }
    return { kind: 'other', call: t.wchan, label: `waiting in ${t.wchan}`, source: 'wchan' };
  }
  return { kind: 'other', label: t.state === 'S' ? 'sleeping (unknown wait)' : `state ${t.state}`, source: 'state' };
}

export interface ActivityGroup {
  label: string;
  kind: ActivityKind;
  count: number;
  tids: number[];
  /** Distinct thread names in the group. */
  names: string[];
}

/** Groups threads by activity label, largest first (ties: running first, then by label). */
export function groupActivities(items: { tid: number; name: string; activity: ThreadActivity }[]): ActivityGroup[] {
  const groups = new Map<string, ActivityGroup>();
  for (const { tid, name, activity } of items) {
    let g = groups.get(activity.label);
    if (!g) {
      g = { label: activity.label, kind: activity.kind, count: 0, tids: [], names: [] };
      groups.set(activity.label, g);
    }
    g.count++;
    g.tids.push(tid);
    if (!g.names.includes(name)) g.names.push(name);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

/** "12 threads blocked in recvfrom on 127.0.0.1:5432, 2 waiting in futex, 1 running". */
export function summarizeActivities(groups: ActivityGroup[]): string {
  if (groups.length === 0) return 'no threads';
  return groups
    .map((g, i) => {
      // Only the first phrase says "threads"; the rest read as a list.
      const noun = i === 0 ? (g.count === 1 ? ' thread' : ' threads') : '';
      return `${g.count}${noun} ${g.label}`;
    })
    .join(', ');
}

/** Coarse activity keys for Findings.threads_by_activity ('blocked:recvfrom', 'futex', 'running' ...). */
export function activityKey(a: ThreadActivity): string {
  switch (a.kind) {
    case 'io': return `blocked:${a.call ?? 'io'}`;
    case 'lock': return 'futex';
    case 'running': return 'running';
    case 'poll': return a.call ?? 'poll';
    case 'sleep': return 'sleep';
    case 'disk': return 'disk';
    default: return a.call ?? a.kind;
  }
}
