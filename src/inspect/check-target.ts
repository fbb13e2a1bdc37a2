// Refuses what inspect cannot look at, with a one-line reason and a distinct exit code:
// not Linux (6), no such process, a zombie, a kernel thread (5).
import { CpdiagError, EXIT } from '../exit-codes.js';
import { isKernelThread, parseProcStat, type ProcStat } from '../probe/parse-stat.js';
import { ProcReadError, type ProcReader } from '../probe/proc-reader.js';

export function checkInspectable(reader: ProcReader, pid: number, platform: string = process.platform): ProcStat {
  if (platform !== 'linux' || !reader.available()) {
    throw new CpdiagError(`cpdiag inspect reads /proc and needs Linux (this is ${platform}${platform === 'linux' ? ` without ${reader.root}` : ''})`, EXIT.UNSUPPORTED_PLATFORM);
  }
  if (!Number.isInteger(pid) || pid <= 0) throw new CpdiagError(`expected a process id (a positive whole number), got "${pid}"`, EXIT.USAGE);
  let stat: ProcStat;
  try {
    stat = parseProcStat(reader.stat(pid));
  } catch (e) {
    if (e instanceof ProcReadError && e.failure === 'gone') {
      throw new CpdiagError(`no process with pid ${pid}`, EXIT.NO_PROCESS, 'list candidates with `pgrep -af python` or `ss -ltnp`');
    }
    if (e instanceof ProcReadError && e.failure === 'denied') {
      throw new CpdiagError(`may not read ${reader.path(pid, 'stat')} (permission denied)`, EXIT.NO_PROCESS, 'run as the process owner or root');
    }
    throw e;
  }
  if (stat.state === 'Z' || stat.state === 'X') {
    throw new CpdiagError(`pid ${pid} is a zombie: it has exited and its parent (pid ${stat.ppid}) has not reaped it; there is nothing left to inspect`, EXIT.NO_PROCESS);
  }
  if (isKernelThread(stat)) {
    throw new CpdiagError(`pid ${pid} (${stat.comm}) is a kernel thread (no cmdline, parent ${stat.ppid === 0 ? 'none' : `pid ${stat.ppid}`}); inspect reads user processes`, EXIT.NO_PROCESS);
  }
  return stat;
}
