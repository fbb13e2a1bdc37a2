// Parser for /proc/PID/status: "Key:\tvalue [kB]" lines. Memory values are reported in kB
// (which the kernel means as KiB), converted here to bytes.

export interface ProcStatus {
  name: string;
  /** One letter, as in stat. */
  state: string;
  ppid: number;
  threads: number;
  vmRssBytes: number;
  /** Absent on kernels before 4.5. */
  rssAnonBytes?: number;
  rssFileBytes?: number;
  rssShmemBytes?: number;
  ctxVoluntary: number;
  ctxInvoluntary: number;
}

export function parseStatusFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

function kbToBytes(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\s*kB$/i.exec(value);
  return m ? Number(m[1]) * 1024 : undefined;
}

function toInt(value: string | undefined): number {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}

export function parseProcStatus(text: string): ProcStatus {
  const f = parseStatusFields(text);
  if (!f.has('Name')) throw new Error('not a /proc status file');
  return {
    name: f.get('Name') ?? '',
    state: (f.get('State') ?? '?').charAt(0),
    ppid: toInt(f.get('PPid')),
    threads: toInt(f.get('Threads')),
    // Zombies and kernel threads have no VmRSS line: they own no user memory.
    vmRssBytes: kbToBytes(f.get('VmRSS')) ?? 0,
    rssAnonBytes: kbToBytes(f.get('RssAnon')),
    rssFileBytes: kbToBytes(f.get('RssFile')),
    rssShmemBytes: kbToBytes(f.get('RssShmem')),
    ctxVoluntary: toInt(f.get('voluntary_ctxt_switches')),
    ctxInvoluntary: toInt(f.get('nonvoluntary_ctxt_switches')),
  };
}
