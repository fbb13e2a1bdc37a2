// Parser for /proc/net/tcp and /proc/net/tcp6. Addresses are hex in the kernel's byte order:
// IPv4 as one little-endian 32-bit word, IPv6 as four such words. Ports are big-endian hex.
// For a LISTEN row, rx_queue is the number of connections waiting in the accept queue; tx_queue
// is NOT the backlog (only `ss -ltn` shows the backlog, as Send-Q).
import type { TcpState } from './probe-sample.js';

export const TCP_STATES: Record<string, TcpState> = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
  '0C': 'NEW_SYN_RECV',
};

export interface TcpEndpoint {
  address: string;
  port: number;
}

export interface TcpRow {
  local: TcpEndpoint;
  remote: TcpEndpoint;
  state: TcpState;
  txQueue: number;
  rxQueue: number;
  /** 0 for sockets no longer attached to a file (TIME_WAIT, orphans). */
  inode: number;
}

function decodeIpv4(hex: string): string {
  const word = Number.parseInt(hex, 16);
  return [word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, (word >>> 24) & 0xff].join('.');
}

function decodeIpv6(hex: string): string {
  // Four 32-bit words, each in host (little-endian) order.
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(Number.parseInt(word.slice(b * 2, b * 2 + 2), 16));
  }
  // IPv4-mapped (::ffff:a.b.c.d): show as the IPv4 address people know.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return bytes.slice(12).join('.');
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return compressIpv6(groups);
}

function compressIpv6(groups: string[]): string {
  // Replace the longest run of zero groups with "::" (RFC 5952).
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLen).join(':')}`;
}

export function decodeEndpoint(text: string): TcpEndpoint {
  const [hexAddr, hexPort] = text.split(':');
  const address = hexAddr.length === 8 ? decodeIpv4(hexAddr) : decodeIpv6(hexAddr);
  return { address, port: Number.parseInt(hexPort, 16) };
}

export function formatEndpoint(e: TcpEndpoint): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

export function parseNetTcp(text: string): TcpRow[] {
  const rows: TcpRow[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    // "sl local rem st tx:rx tr:when retrnsmt uid timeout inode ..."
    if (cols.length < 10 || !/^\d+:$/.test(cols[0])) continue;
    const state = TCP_STATES[cols[3].toUpperCase()];
    if (!state) continue;
    const [tx, rx] = cols[4].split(':');
    rows.push({
      local: decodeEndpoint(cols[1]),
      remote: decodeEndpoint(cols[2]),
      state,
      txQueue: Number.parseInt(tx, 16),
      rxQueue: Number.parseInt(rx, 16),
      inode: Number(cols[9]),
    });
  }
  return rows;
}

/** Above this many inodes a full parse is cheaper than one text search per inode. */
const INODE_SEARCH_MAX = 32;

/**
 * Only the rows whose inode is in `inodes`. A busy machine's table holds thousands of rows
 * (TIME_WAIT from load tests), and a process usually owns a handful: searching the text for each
 * inode and parsing just those lines is an order of magnitude cheaper than parsing every row.
 */
export function parseNetTcpForInodes(text: string, inodes: Set<number>): TcpRow[] {
  if (inodes.size > INODE_SEARCH_MAX) return parseNetTcp(text).filter((r) => inodes.has(r.inode));
  const rows: TcpRow[] = [];
  for (const inode of inodes) {
    const needle = ` ${inode} `;
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      const start = text.lastIndexOf('\n', at) + 1;
      const endNl = text.indexOf('\n', at);
      const [row] = parseNetTcp(text.slice(start, endNl < 0 ? text.length : endNl));
      // The number may also appear in another column (uid, timeout): keep only a true inode match.
      if (row && row.inode === inode) {
        rows.push(row);
        break;
      }
    }
  }
  return rows;
}
