// A seeded HTTP/1.1 request fuzzer for the bundled server: takes valid pipelined requests,
// mutates their bytes (truncation, byte flips, stray CR/LF, duplicated header lines, huge
// lengths, chunk garbage, spliced repeats), and sends them over loopback in random splits, with
// random early disconnects. Every connection and the whole run are bounded in time and count.
// The same seed sends the same bytes (timing and the server's answers may still differ).
import { connect } from 'node:net';
import { mulberry32, type Rng } from '../../src/random.js';

const H = 'Host: fuzz\r\n';

/** Valid requests the mutations start from; concatenated 1-4 at a time into a pipeline. */
export const FUZZ_BASE_REQUESTS: string[] = [
  `GET / HTTP/1.1\r\n${H}\r\n`,
  `GET /work?io_ms=2 HTTP/1.1\r\n${H}Accept: */*\r\n\r\n`,
  `GET /work?io_ms=1&bytes=3000 HTTP/1.1\r\n${H}\r\n`,
  `POST /upload HTTP/1.1\r\n${H}Content-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world`,
  `POST /upload HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`,
  `GET /stream?chunks=3&chunk_kb=1&delay_ms=2 HTTP/1.1\r\n${H}\r\n`,
  `GET /healthz HTTP/1.1\r\n${H}\r\n`,
  `GET /nope HTTP/1.1\r\n${H}\r\n`,
  `GET /work?io_ms=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`,
  `POST /upload HTTP/1.1\r\n${H}Content-Length: 3\r\nExpect: 100-continue\r\n\r\nabc`,
  `GET /work?io_ms=abc HTTP/1.1\r\n${H}\r\n`,
  `GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
];

const INSERTS = ['\r', '\n', '\r\n', '\r\n\r\n', ' ', '\t', ':', '\0', '\x7f', '\xff', ';', ',', '0', 'ffffffff', '-1'];
const HUGE_NUMBERS = ['99999999999999999999', '4294967296', '2147483648', '1000000', '-0', '+5', '0x10', ' 5', '5 5', ''];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

function below(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** One mutation of a byte string (latin1, so every byte survives). */
function mutateOnce(rng: Rng, s: string): string {
  if (s.length === 0) return pick(rng, FUZZ_BASE_REQUESTS);
  const at = below(rng, s.length + 1);
  switch (below(rng, 10)) {
    case 0: // truncation
      return s.slice(0, at);
    case 1: { // byte flips
      const chars = s.split('');
      for (let k = 1 + below(rng, 4); k > 0; k--) {
        const i = below(rng, chars.length);
        chars[i] = String.fromCharCode((chars[i].charCodeAt(0) ^ (1 << below(rng, 8))) & 0xff);
      }
      return chars.join('');
    }
    case 2: // stray CR / LF / separators
      return s.slice(0, at) + pick(rng, INSERTS) + s.slice(at);
    case 3: { // duplicate a header line
      const lines = s.split('\r\n');
      if (lines.length < 3) return s + '\r\n';
      const i = 1 + below(rng, lines.length - 2);
      lines.splice(i, 0, lines[i]);
      return lines.join('\r\n');
    }
    case 4: // huge or odd Content-Length
      return s.replace(/Content-Length: [^\r\n]*/i, `Content-Length: ${pick(rng, HUGE_NUMBERS)}`);
    case 5: // chunk-size garbage
      return s.replace(/\r\n\r\n([0-9a-f]+)\r\n/i, `\r\n\r\n${pick(rng, ['zz', '-1', 'ffffffffffffffff', '5;' + 'x'.repeat(200), '', ' 5', '0x5'])}\r\n`);
    case 6: { // delete a range
      const end = Math.min(s.length, at + 1 + below(rng, 20));
      return s.slice(0, at) + s.slice(end);
    }
    case 7: { // repeat a slice (smuggling-like overlaps)
      const end = Math.min(s.length, at + 1 + below(rng, 40));
      return s.slice(0, end) + s.slice(at, end) + s.slice(end);
    }
    case 8: // add a conflicting framing header
      return s.replace('\r\n', `\r\n${pick(rng, ['Transfer-Encoding: chunked', 'Content-Length: 4', 'Transfer-Encoding: gzip', 'Transfer-Encoding: chunked, chunked', 'Connection: close', 'X-Folded: a\r\n b', 'Host : x', 'Expect: 100-continue'])}\r\n`);
    default: // long header
      return s.replace('\r\n', `\r\nX-Pad: ${'p'.repeat(below(rng, 6000))}\r\n`);
  }
}

/** The bytes of one fuzz connection: 1-4 valid requests pipelined, then 1-3 mutations. */
export function fuzzPayload(rng: Rng): Buffer {
  let s = '';
  for (let n = 1 + below(rng, 4); n > 0; n--) s += pick(rng, FUZZ_BASE_REQUESTS);
  for (let m = 1 + below(rng, 3); m > 0; m--) s = mutateOnce(rng, s);
  return Buffer.from(s, 'latin1');
}

export interface FuzzOptions {
  url: string;
  seed: number;
  durationMs: number;
  /** Connections in flight at once. */
  concurrency: number;
  /** Hard cap on connections, whatever the duration. */
  maxConnections?: number;
  /** Longest a single connection is kept open. */
  perConnectionMs?: number;
}

export interface FuzzReport {
  connections: number;
  bytesSent: number;
  responses: number;
  /** Connections the server closed before we gave up on them. */
  serverClosed: number;
  connectErrors: number;
}

/** One connection: send the payload in random pieces, read for a while, maybe hang up early. */
function fuzzConnection(url: URL, rng: Rng, perConnectionMs: number, report: FuzzReport): Promise<void> {
  const payload = fuzzPayload(rng);
  const cuts = [0, ...Array.from({ length: below(rng, 3) }, () => below(rng, payload.length)), payload.length].sort((a, b) => a - b);
  const pauses = cuts.map(() => (rng() < 0.3 ? below(rng, 40) : 0));
  // Some clients hang up early, some half-close, some just wait.
  const ending = pick(rng, ['wait', 'wait', 'wait', 'destroy-early', 'half-close'] as const);
  const giveUpMs = ending === 'destroy-early' ? below(rng, 60) : perConnectionMs;
  report.connections++;
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(finish, giveUpMs + pauses.reduce((a, b) => a + b, 0));
    socket.on('data', (b: Buffer) => {
      // Status lines seen (a rough count: bodies rarely start a line with "HTTP/1.").
      report.responses += (b.toString('latin1').match(/(^|\n)HTTP\/1\.\d \d{3}/g) ?? []).length;
    });
    socket.on('error', () => {
      if (socket.bytesWritten === 0) report.connectErrors++;
      finish();
    });
    socket.on('close', () => {
      if (!done) report.serverClosed++;
      finish();
    });
    socket.once('connect', async () => {
      for (let i = 1; i < cuts.length; i++) {
        if (pauses[i]) await new Promise((r) => setTimeout(r, pauses[i]));
        if (done) return;
        socket.write(payload.subarray(cuts[i - 1], cuts[i]));
        report.bytesSent += cuts[i] - cuts[i - 1];
      }
      if (ending === 'half-close' && !done) socket.end();
    });
  });
}

/** Runs the fuzzer until durationMs or maxConnections; resolves with what it did. */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const rng = mulberry32(opts.seed);
  const url = new URL(opts.url);
  const deadline = performance.now() + opts.durationMs;
  const maxConnections = opts.maxConnections ?? 200_000;
  const perConnectionMs = opts.perConnectionMs ?? 400;
  const report: FuzzReport = { connections: 0, bytesSent: 0, responses: 0, serverClosed: 0, connectErrors: 0 };
  const lane = async () => {
    while (performance.now() < deadline && report.connections < maxConnections) {
      // Each connection draws from its own generator seeded from the run's, so lanes interleaving
      // differently does not change what a given connection number sends.
      await fuzzConnection(url, mulberry32(Math.floor(rng() * 2 ** 32)), perConnectionMs, report);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  return report;
}
