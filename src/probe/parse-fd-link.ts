// Classifies the target of a /proc/PID/fd/N link: "socket:[INODE]", "pipe:[INODE]",
// "anon_inode:[eventpoll]" (or "anon_inode:inotify"), or a path for files and devices.
import type { FdType } from './probe-sample.js';

export interface FdLink {
  type: FdType;
  /** The socket or pipe inode, for matching against /proc/net/tcp. */
  inode?: number;
  /** anon_inode kind (eventpoll, eventfd, timerfd, ...). */
  detail?: string;
}

export function classifyFdLink(link: string): FdLink {
  let m = /^socket:\[(\d+)\]$/.exec(link);
  if (m) return { type: 'socket', inode: Number(m[1]) };
  m = /^pipe:\[(\d+)\]$/.exec(link);
  if (m) return { type: 'pipe', inode: Number(m[1]) };
  if (link.startsWith('anon_inode:')) return { type: 'anon_inode', detail: link.slice('anon_inode:'.length).replace(/^\[|\]$/g, '') };
  // Regular files, directories and devices all show as paths; "other" covers the rest
  // (e.g. "net:[...]", "mnt:[...]" namespace handles, or "/memfd:..." which is still a file).
  if (link.startsWith('/')) return { type: 'file' };
  return { type: 'other' };
}

export function emptyFdCounts(): Record<FdType, number> {
  return { socket: 0, file: 0, pipe: 0, anon_inode: 0, other: 0 };
}
