// Parser for /proc/PID/task/TID/syscall: "NR ARG0 ... ARG5 SP PC" while the task is blocked in a
// system call, "running" while it is on a CPU, "-1 SP PC" when it is blocked but not in a
// system call (e.g. a page fault). Reading it needs ptrace-read permission but does not stop
// the task (no attach).

export type SyscallState =
  | { kind: 'syscall'; nr: number; args: bigint[]; sp: bigint; pc: bigint }
  | { kind: 'running' }
  | { kind: 'blocked_no_syscall' };

export function parseSyscall(text: string): SyscallState {
  const t = text.trim();
  if (t === 'running') return { kind: 'running' };
  const parts = t.split(/\s+/);
  const nr = Number(parts[0]);
  if (!Number.isInteger(nr)) throw new Error(`not a /proc syscall line: ${t.slice(0, 40)}`);
  if (nr < 0 || parts.length < 9) return { kind: 'blocked_no_syscall' };
  const nums = parts.slice(1).map((p) => BigInt(p));
  return { kind: 'syscall', nr, args: nums.slice(0, 6), sp: nums[6], pc: nums[7] };
}
