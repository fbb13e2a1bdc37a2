// Parser for /proc/PID/limits: a fixed-width table whose limit names contain spaces, so rows are
// matched by their name prefix and the two values that follow it.

export interface ResourceLimit {
  /** null when "unlimited". */
  soft: number | null;
  hard: number | null;
}

export function parseLimit(text: string, name: string): ResourceLimit | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const [soft, hard] = line.slice(name.length).trim().split(/\s+/);
    const value = (v: string | undefined): number | null => (v === undefined || v === 'unlimited' ? null : Number(v));
    return { soft: value(soft), hard: value(hard) };
  }
  return undefined;
}

/** The "Max open files" row: RLIMIT_NOFILE, the ceiling for a process's file descriptors. */
export function parseMaxOpenFiles(text: string): ResourceLimit | undefined {
  return parseLimit(text, 'Max open files');
}
