// A thin, synchronous reader over a procfs tree. It takes the root as an argument ('/proc' by
// default) so that tests can point it at captured fixtures. It never writes, never signals and
// never attaches: only open/read/readlink/readdir. The one read of process memory (readMemory: a
// few bytes at an address a syscall argument gives) needs the same permission as the syscall
// file it completes, and stops nothing either.
//
// Synchronous on purpose: procfs reads are served from kernel memory without blocking on disk,
// and one snapshot issues thousands of tiny reads where a promise per read would cost more than
// the read itself (see bench/inspect.bench.ts).
import { closeSync, openSync, readSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Why a read failed: the process (or thread, or fd) is gone, or we may not read it. */
export type ProcFailure = 'gone' | 'denied' | 'other';

export class ProcReadError extends Error {
  constructor(readonly path: string, readonly failure: ProcFailure, readonly code?: string) {
    super(`${path}: ${failure}${code ? ` (${code})` : ''}`);
    this.name = 'ProcReadError';
  }
}

export function classifyErrno(code: string | undefined): ProcFailure {
  // ESRCH: the task died between the directory lookup and the read.
  if (code === 'ENOENT' || code === 'ESRCH' || code === 'ENOTDIR') return 'gone';
  if (code === 'EACCES' || code === 'EPERM') return 'denied';
  return 'other';
}

function wrap<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ProcReadError(path, classifyErrno(code), code);
  }
}

let buffer = Buffer.allocUnsafe(64 * 1024);

/**
 * Reads a procfs file with open + read…read + close into a reused buffer: readFileSync adds an
 * fstat per file, over the thousands of small files of one snapshot. Reads go on until one
 * returns 0: a short read is NOT the end for procfs (/proc/net/tcp hands out a page or so of
 * rows per read, whatever the space offered).
 */
function readWhole(path: string): string {
  const fd = openSync(path, 'r');
  try {
    return readFromStart(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads an open procfs file from offset 0 (pread): the kernel regenerates its text each time. */
function readFromStart(fd: number): string {
  let len = 0;
  for (;;) {
    if (len === buffer.length) {
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, 0, len);
      buffer = bigger;
    }
    const n = readSync(fd, buffer, len, buffer.length - len, len);
    if (n === 0) break;
    len += n;
  }
  return buffer.toString('latin1', 0, len);
}

/**
 * Open handles kept between samples by a long-running sampler (--watch, a run's probes): each
 * later read of the same file is one pread instead of open + read + close. A thread that has
 * exited makes its handle fail (ESRCH), which drops it; the cap bounds the fds cpdiag holds.
 */
const MAX_KEPT_HANDLES = 256;

class HandleCache {
  private readonly fds = new Map<string, number>();

  read(path: string): string {
    const cached = this.fds.get(path);
    if (cached !== undefined) {
      try {
        return readFromStart(cached);
      } catch (e) {
        this.drop(path);
        throw e;
      }
    }
    if (this.fds.size >= MAX_KEPT_HANDLES) return readWhole(path);
    const fd = openSync(path, 'r');
    this.fds.set(path, fd);
    try {
      return readFromStart(fd);
    } catch (e) {
      this.drop(path);
      throw e;
    }
  }

  private drop(path: string): void {
    const fd = this.fds.get(path);
    this.fds.delete(path);
    if (fd !== undefined) closeSync(fd);
  }

  closeAll(): void {
    for (const path of [...this.fds.keys()]) this.drop(path);
  }
}

export interface FdEntry {
  fd: number;
  link: string;
}

export class ProcReader {
  private readonly handles?: HandleCache;

  /** keepHandles: reuse open files between reads (for repeated sampling); call close() after. */
  constructor(readonly root: string = '/proc', opts: { keepHandles?: boolean } = {}) {
    if (opts.keepHandles) this.handles = new HandleCache();
  }

  /** Closes the handles kept by keepHandles (a no-op otherwise). */
  close(): void {
    this.handles?.closeAll();
  }

  path(...parts: (string | number)[]): string {
    return join(this.root, ...parts.map(String));
  }

  read(...parts: (string | number)[]): string {
    const p = this.path(...parts);
    return wrap(p, () => (this.handles ? this.handles.read(p) : readWhole(p)));
  }

  /** Like read, but undefined when the file is gone or unreadable (the caller notes which). */
  tryRead(...parts: (string | number)[]): { text?: string; failure?: ProcFailure } {
    try {
      return { text: this.read(...parts) };
    } catch (e) {
      return { failure: e instanceof ProcReadError ? e.failure : 'other' };
    }
  }

  /** True when the root looks like a procfs (has a self link or numeric entries). */
  available(): boolean {
    try {
      return readdirSync(this.root).some((n) => n === 'self' || /^\d+$/.test(n));
    } catch {
      return false;
    }
  }

  pids(): number[] {
    const p = this.root;
    return wrap(p, () => readdirSync(p)).filter((n) => /^\d+$/.test(n)).map(Number);
  }

  stat(pid: number): string {
    return this.read(pid, 'stat');
  }

  status(pid: number): string {
    return this.read(pid, 'status');
  }

  limits(pid: number): string {
    return this.read(pid, 'limits');
  }

  /** argv, split at NUL. Empty for kernel threads and zombies. */
  cmdline(pid: number): string[] {
    return this.read(pid, 'cmdline').split('\0').filter((s, i, a) => s !== '' || i < a.length - 1);
  }

  tasks(pid: number): number[] {
    const p = this.path(pid, 'task');
    return wrap(p, () => readdirSync(p)).filter((n) => /^\d+$/.test(n)).map(Number);
  }

  taskStat(pid: number, tid: number): string {
    return this.read(pid, 'task', tid, 'stat');
  }

  taskComm(pid: number, tid: number): string {
    return this.read(pid, 'task', tid, 'comm').replace(/\n$/, '');
  }

  taskSyscall(pid: number, tid: number): string {
    return this.read(pid, 'task', tid, 'syscall');
  }

  taskWchan(pid: number, tid: number): string {
    return this.read(pid, 'task', tid, 'wchan');
  }

  /** Every open fd with its link target. An fd closed while we list is skipped, not an error. */
  fds(pid: number): FdEntry[] {
    const dir = this.path(pid, 'fd');
    const names = wrap(dir, () => readdirSync(dir));
    const out: FdEntry[] = [];
    for (const name of names) {
      try {
        out.push({ fd: Number(name), link: readlinkSync(join(dir, name)) });
      } catch (e) {
        const failure = classifyErrno((e as NodeJS.ErrnoException).code);
        if (failure !== 'gone') throw new ProcReadError(join(dir, name), failure, (e as NodeJS.ErrnoException).code);
      }
    }
    return out;
  }

  /** Just the number of open fds (readdir only), for when the types are not needed. */
  fdCount(pid: number): number {
    const dir = this.path(pid, 'fd');
    return wrap(dir, () => readdirSync(dir)).length;
  }

  /**
   * /proc/PID/net/tcp and tcp6: the TCP table of the process's own network namespace (which
   * /proc/net/ would not be if cpdiag runs in another namespace). Missing tcp6 (no IPv6) is ''.
   */
  netTcp(pid: number): { tcp: string; tcp6: string } {
    const tcp = this.tryRead(pid, 'net', 'tcp');
    const tcp6 = this.tryRead(pid, 'net', 'tcp6');
    if (tcp.text === undefined && tcp.failure !== 'gone') {
      // Fall back to the reader's own namespace.
      return { tcp: this.tryRead('net', 'tcp').text ?? '', tcp6: this.tryRead('net', 'tcp6').text ?? '' };
    }
    if (tcp.text === undefined) throw new ProcReadError(this.path(pid, 'net', 'tcp'), 'gone');
    return { tcp: tcp.text, tcp6: tcp6.text ?? '' };
  }

  /**
   * `length` bytes of the process's memory at `address` (/proc/PID/mem, one pread), or undefined
   * when they cannot be read (permission, an unmapped address, the process gone).
   */
  readMemory(pid: number, address: bigint, length: number): Buffer | undefined {
    let fd: number | undefined;
    try {
      fd = openSync(this.path(pid, 'mem'), 'r');
      const out = Buffer.alloc(length);
      return readSync(fd, out, 0, length, address) === length ? out : undefined;
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Seconds since boot, from /proc/uptime. */
  uptimeS(): number {
    return Number(this.read('uptime').split(/\s+/)[0]);
  }
}
