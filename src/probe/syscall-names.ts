// x86-64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl) for the calls a thread of a
// server is commonly found blocked in. Only names matter to the reader, so the table stays small.
import { arch } from 'node:os';

const X86_64: Record<number, string> = {
  0: 'read', 1: 'write', 7: 'poll', 17: 'pread64', 18: 'pwrite64', 19: 'readv', 20: 'writev',
  23: 'select', 34: 'pause', 35: 'nanosleep', 40: 'sendfile', 42: 'connect', 43: 'accept', 44: 'sendto',
  45: 'recvfrom', 46: 'sendmsg', 47: 'recvmsg', 61: 'wait4', 74: 'fsync', 202: 'futex',
  213: 'epoll_create', 228: 'clock_gettime', 230: 'clock_nanosleep', 232: 'epoll_wait', 247: 'waitid',
  270: 'pselect6', 271: 'ppoll', 281: 'epoll_pwait', 288: 'accept4', 299: 'recvmmsg', 307: 'sendmmsg',
  16: 'ioctl', 72: 'fcntl', 24: 'sched_yield', 9: 'mmap', 11: 'munmap', 12: 'brk',
  56: 'clone', 435: 'clone3', 60: 'exit', 231: 'exit_group', 101: 'ptrace', 62: 'kill',
  425: 'io_uring_setup', 426: 'io_uring_enter', 441: 'epoll_pwait2', 449: 'futex_waitv',
};

// aarch64 uses the generic table (include/uapi/asm-generic/unistd.h).
const AARCH64: Record<number, string> = {
  63: 'read', 64: 'write', 65: 'readv', 66: 'writev', 73: 'ppoll', 72: 'pselect6', 98: 'futex',
  101: 'nanosleep', 115: 'clock_nanosleep', 22: 'epoll_pwait', 202: 'accept', 242: 'accept4',
  203: 'connect', 206: 'sendto', 207: 'recvfrom', 211: 'sendmsg', 212: 'recvmsg', 260: 'wait4',
  124: 'sched_yield', 441: 'epoll_pwait2', 449: 'futex_waitv',
};

/** Syscalls whose first argument is a file descriptor that the thread reads or writes. */
export const FD_IO_SYSCALLS = new Set([
  'read', 'write', 'readv', 'writev', 'pread64', 'pwrite64', 'recvfrom', 'sendto', 'recvmsg', 'sendmsg',
  'recvmmsg', 'sendmmsg', 'accept', 'accept4', 'connect', 'sendfile',
]);

/** Syscalls in which a thread waits for something to happen on many fds at once. */
export const POLL_SYSCALLS = new Set(['poll', 'ppoll', 'select', 'pselect6', 'epoll_wait', 'epoll_pwait', 'epoll_pwait2']);

/** Syscalls in which a thread sleeps for a set time. */
export const SLEEP_SYSCALLS = new Set(['nanosleep', 'clock_nanosleep', 'pause']);

export function syscallName(nr: number, machine: string = arch()): string {
  const table = machine === 'arm64' ? AARCH64 : X86_64;
  return table[nr] ?? `syscall_${nr}`;
}
