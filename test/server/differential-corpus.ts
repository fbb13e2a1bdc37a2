// The differential corpus: raw requests (pipelining, parse errors, request-smuggling shapes,
// limits, timeouts) sent byte for byte to the bundled server and to real CherryPy/cheroot, with
// what each is documented to do. bench/differential.ts prints the table that docs/server.md
// carries; test/server/differential.test.ts holds both servers to the outcomes written here.
import { rawSteps, type RawStep } from './raw-client.js';

/** What one case did: every final status in order, whether the server closed, requests the application saw. */
export interface CaseOutcome {
  statuses: number[];
  closed: boolean;
  /** Requests that reached the application (cheroot: CherryPy's own count; bundled: stats). */
  seen: number;
}

export interface DifferentialCase {
  id: string;
  /** What is sent, for the table. */
  what: string;
  steps: RawStep[];
  /** How long to wait after the last step (longer than socket_timeout for the timeout cases). */
  waitMs?: number;
  bundled: CaseOutcome;
  cheroot: CaseOutcome;
  /** Why the two differ (empty when they agree). */
  note?: string;
}

/** Both servers run with this socket_timeout and pool for the corpus. */
export const CORPUS_SOCKET_TIMEOUT_S = 2;
export const CORPUS_THREAD_POOL = 4;
/** Shorter than socket_timeout: an open connection after it is a kept-alive one. */
export const DEFAULT_WAIT_MS = 1000;

const H = 'Host: x\r\n';
const GET = (path = '/', extra = '') => `GET ${path} HTTP/1.1\r\n${H}${extra}\r\n`;
/** Over both servers' default max_request_header_size (500 KiB). */
const BIG_HEADER = `X-Big: ${'a'.repeat(600 * 1024)}\r\n`;
/** Over both servers' default max_request_body_size (100 MiB). */
const HUGE_LENGTH = 200 * 1024 * 1024;

const o = (statuses: number[], closed: boolean, seen: number): CaseOutcome => ({ statuses, closed, seen });
const send = (...data: string[]): RawStep[] => data.map((d) => ({ data: d }));

export const DIFFERENTIAL_CASES: DifferentialCase[] = [
  // ----- pipelining and parse errors --------------------------------------------------------
  {
    id: 'pipelined-then-bad-line',
    what: 'GET / x2 pipelined, then `BAD`',
    steps: send(GET() + GET() + 'BAD\r\n\r\n'),
    bundled: o([200, 200, 400], true, 2),
    cheroot: o([200, 200, 400], true, 2),
  },
  {
    id: 'pipelined-then-cl-te',
    what: 'GET / x2 pipelined, then a POST with Content-Length and Transfer-Encoding: chunked',
    steps: send(GET() + GET() + `POST /upload HTTP/1.1\r\n${H}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`),
    bundled: o([200, 200, 400], true, 2),
    cheroot: o([200, 200, 200], false, 3),
    note: 'cheroot lets chunked win over Content-Length; refused here (a request-smuggling shape)',
  },
  {
    id: 'pipelined-then-oversized-header',
    what: 'GET / x2 pipelined, then a 600 KiB header',
    steps: send(GET() + GET() + `GET / HTTP/1.1\r\n${H}${BIG_HEADER}\r\n`),
    bundled: o([200, 200, 413], true, 2),
    cheroot: o([200, 200, 413], true, 2),
  },
  {
    id: 'junk-after-close',
    what: 'GET / with `Connection: close`, then junk',
    steps: send(GET('/', 'Connection: close\r\n') + 'JUNK\r\n\r\n'),
    bundled: o([200], true, 1),
    cheroot: o([200], true, 1),
  },
  {
    id: 'request-after-close',
    what: 'GET / with `Connection: close`, then another GET /',
    steps: send(GET('/', 'Connection: close\r\n') + GET()),
    bundled: o([200], true, 1),
    cheroot: o([200], true, 1),
  },
  {
    id: 'pipelined-upload-then-get',
    what: 'POST /upload (Content-Length 3) then GET / pipelined',
    steps: send(`POST /upload HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabc` + GET()),
    bundled: o([200, 200], false, 2),
    cheroot: o([200, 200], false, 2),
  },
  // ----- request line -----------------------------------------------------------------------
  {
    id: 'raw-space-in-target',
    what: '`GET /a b HTTP/1.1`',
    steps: send(`GET /a b HTTP/1.1\r\n${H}\r\n`),
    bundled: o([400], true, 0),
    cheroot: o([400], true, 0),
  },
  {
    id: 'double-space-request-line',
    what: '`GET  / HTTP/1.1` (two spaces)',
    steps: send(`GET  / HTTP/1.1\r\n${H}\r\n`),
    bundled: o([200], false, 1),
    cheroot: o([400], true, 0),
    note: 'llhttp reads the empty token between the spaces as nothing and serves `/`; the request is unambiguous, so it is not refused',
  },
  {
    id: 'absolute-form',
    what: '`GET http://h/healthz HTTP/1.1`',
    steps: send(`GET http://h/healthz HTTP/1.1\r\n${H}\r\n`),
    bundled: o([200], false, 1),
    cheroot: o([200], false, 1),
  },
  {
    id: 'bare-lf',
    what: 'request line and headers ended by LF alone',
    steps: send(`GET / HTTP/1.1\nHost: x\n\n`),
    bundled: o([400], true, 0),
    cheroot: o([400], true, 0),
  },
  {
    id: 'lowercase-method',
    what: '`get / HTTP/1.1`',
    steps: send(`get / HTTP/1.1\r\n${H}\r\n`),
    bundled: o([400], true, 0),
    cheroot: o([400], true, 0),
  },
  {
    id: 'http-2-version',
    what: '`GET / HTTP/2.0`',
    steps: send(`GET / HTTP/2.0\r\n${H}\r\n`),
    bundled: o([505], true, 0),
    cheroot: o([505], true, 0),
  },
  {
    id: 'fragment-in-target',
    what: '`GET /#frag HTTP/1.1`',
    steps: send(`GET /#frag HTTP/1.1\r\n${H}\r\n`),
    bundled: o([400], true, 0),
    cheroot: o([400], true, 0),
  },
  {
    id: 'leading-crlf',
    what: 'an empty line, then GET /',
    steps: send('\r\n' + GET()),
    bundled: o([200], false, 1),
    cheroot: o([200], false, 1),
  },
  {
    id: 'connect',
    what: '`CONNECT h:443 HTTP/1.1`',
    steps: send(`CONNECT h:443 HTTP/1.1\r\n${H}\r\n`),
    bundled: o([404], true, 1),
    cheroot: o([404], false, 1),
    note: 'node hands a CONNECT socket over without its parser: answered 404 (as CherryPy) with `Connection: close`, then closed',
  },
  // ----- headers ----------------------------------------------------------------------------
  {
    id: 'missing-host',
    what: 'HTTP/1.1 request without Host',
    steps: send('GET / HTTP/1.1\r\n\r\n'),
    bundled: o([400], false, 0),
    cheroot: o([400], false, 0),
  },
  {
    id: 'obs-fold',
    what: 'a header continued on the next line (obs-fold)',
    steps: send(`GET / HTTP/1.1\r\n${H}X-Folded: a\r\n b\r\n\r\n`),
    bundled: o([400], true, 0),
    cheroot: o([400], true, 0),
  },
  {
    id: 'space-before-colon',
    what: '`Host : x`',
    steps: send('GET / HTTP/1.1\r\nHost : x\r\n\r\n'),
    bundled: o([400], true, 0),
    cheroot: o([200], false, 1),
    note: 'cheroot strips the space and accepts; refused here (a header-smuggling shape)',
  },
  {
    id: 'oversized-header',
    what: 'a 600 KiB header',
    steps: send(`GET / HTTP/1.1\r\n${H}${BIG_HEADER}\r\n`),
    bundled: o([413], true, 0),
    cheroot: o([413], true, 0),
  },
  {
    id: 'http10-keep-alive',
    what: 'HTTP/1.0 with `Connection: Keep-Alive`, then a plain HTTP/1.0 request',
    steps: [{ data: 'GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n' }, { data: 'GET / HTTP/1.0\r\n\r\n', delayMs: 300 }],
    bundled: o([200, 200], true, 2),
    cheroot: o([200, 200], true, 2),
  },
  // ----- bodies and framing (request smuggling) ---------------------------------------------
  {
    id: 'cl-and-te',
    what: 'Content-Length then Transfer-Encoding: chunked',
    steps: send(`POST /upload HTTP/1.1\r\n${H}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`),
    bundled: o([400], true, 0),
    cheroot: o([200], false, 1),
    note: 'cheroot lets chunked win over Content-Length; refused here (request smuggling)',
  },
  {
    id: 'te-and-cl',
    what: 'Transfer-Encoding: chunked then Content-Length',
    steps: send(`POST /upload HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n3\r\nabc\r\n0\r\n\r\n`),
    bundled: o([400], true, 0),
    cheroot: o([200], false, 1),
    note: 'cheroot lets chunked win over Content-Length; refused here (request smuggling)',
  },
  {
    id: 'duplicate-cl-same',
    what: 'two `Content-Length: 3`',
    steps: send(`POST /upload HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc`),
    bundled: o([400], true, 0),
    cheroot: o([200], false, 1),
    note: 'cheroot keeps the last Content-Length; refused here (`Multiple Content-Length headers.`)',
  },
  {
    id: 'duplicate-cl-different',
    what: '`Content-Length: 3` and `Content-Length: 5`',
    steps: send(`POST /upload HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde`),
    bundled: o([400], true, 0),
    cheroot: o([200], false, 1),
    note: 'cheroot keeps the last Content-Length; refused here (`Multiple Content-Length headers.`)',
  },
  {
    id: 'te-chunked-chunked',
    what: '`Transfer-Encoding: chunked, chunked`',
    steps: send(`POST /upload HTTP/1.1\r\n${H}Transfer-Encoding: chunked, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`),
    bundled: o([501], true, 0),
    cheroot: o([200], false, 1),
    note: 'cheroot reads it as chunked; llhttp refuses a repeated coding, answered as an unknown coding (501)',
  },
  {
    id: 'te-gzip',
    what: '`Transfer-Encoding: gzip`',
    steps: send(`POST /upload HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\n`),
    bundled: o([501], true, 0),
    cheroot: o([501], true, 0),
  },
  {
    id: 'chunked-with-trailers',
    what: 'chunked body with a trailer field',
    steps: send(`POST /upload HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n` + GET()),
    bundled: o([200, 200], false, 2),
    cheroot: o([200, 400], true, 1),
    note: 'CherryPy does not read the trailer section: cheroot takes the trailer line for the next request (400); here trailers are read and the next request served',
  },
  {
    id: 'request-after-last-chunk',
    what: 'chunked body ended by `0\\r\\n\\r\\n`, then GET /',
    steps: send(`POST /upload HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n` + GET()),
    bundled: o([200, 200], false, 2),
    cheroot: o([200, 200], false, 2),
  },
  {
    id: 'request-after-bare-last-chunk',
    what: 'chunked body ended by `0\\r\\n` alone, then GET /healthz',
    steps: send(`POST /upload HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n` + GET('/healthz')),
    bundled: o([400], true, 1),
    cheroot: o([200, 200], false, 2),
    note: 'smuggling: cheroot ends the body at `0\\r\\n` and serves the next line as a second request; here the line is (invalid) trailer: 400 and close',
  },
  {
    id: 'negative-chunk-size',
    what: 'chunk size `-1`',
    steps: send(`POST /upload HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n-1\r\nabc\r\n0\r\n\r\n`),
    bundled: o([400], true, 1),
    cheroot: o([200, 400], true, 1),
    note: 'cheroot takes `-1` for the last chunk, answers 200, then 400s the rest; refused here (400 `Bad chunked transfer size`)',
  },
  {
    id: 'chunk-size-garbage',
    what: 'chunk size `zz`',
    steps: send(`POST /upload HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`),
    bundled: o([400], true, 1),
    cheroot: o([500, 400], true, 1),
    note: 'CherryPy fails in its body reader (500) and cheroot then 400s the rest; 400 here',
  },
  {
    id: 'cl-negative',
    what: '`Content-Length: -5`',
    steps: send(`POST /upload HTTP/1.1\r\n${H}Content-Length: -5\r\n\r\n`),
    bundled: o([400], true, 0),
    cheroot: o([200], false, 1),
    note: 'cheroot reads no body; refused here (400 `Malformed Content-Length Header.`)',
  },
  {
    id: 'cl-not-a-number',
    what: '`Content-Length: abc`',
    steps: send(`POST /upload HTTP/1.1\r\n${H}Content-Length: abc\r\n\r\n`),
    bundled: o([400], true, 0),
    cheroot: o([400], true, 0),
  },
  // ----- limits, Expect, timeouts -----------------------------------------------------------
  {
    id: 'expect-100-over-limit',
    what: '`Expect: 100-continue` with a Content-Length over max_request_body_size',
    steps: send(`POST /upload HTTP/1.1\r\n${H}Content-Length: ${HUGE_LENGTH}\r\nExpect: 100-continue\r\n\r\n`),
    bundled: o([413], true, 0),
    cheroot: o([413], true, 0),
  },
  {
    id: 'expect-100-within-limit',
    what: '`Expect: 100-continue`, body sent after the 100',
    steps: [{ data: `POST /upload HTTP/1.1\r\n${H}Content-Length: 3\r\nExpect: 100-continue\r\n\r\n` }, { data: 'abc', delayMs: 300 }],
    bundled: o([200], false, 1),
    cheroot: o([200], false, 1),
  },
  {
    id: 'over-limit-to-acceptor-route',
    what: 'GET /healthz with a Content-Length over max_request_body_size',
    steps: send(`GET /healthz HTTP/1.1\r\n${H}Content-Length: ${HUGE_LENGTH}\r\n\r\n`),
    bundled: o([413], true, 0),
    cheroot: o([413], true, 0),
  },
  {
    id: 'idle-after-acceptor-response',
    what: 'GET /healthz, then silence past socket_timeout',
    steps: send(GET('/healthz')),
    waitMs: CORPUS_SOCKET_TIMEOUT_S * 1000 + 1500,
    bundled: o([200], true, 1),
    cheroot: o([200], true, 1),
  },
  {
    id: 'silent-connection',
    what: 'connect, send nothing, past socket_timeout',
    steps: send(''),
    waitMs: CORPUS_SOCKET_TIMEOUT_S * 1000 + 1500,
    bundled: o([408], true, 0),
    cheroot: o([408], true, 0),
  },
  {
    id: 'head-cut-off',
    what: 'half a request head, then silence past socket_timeout',
    steps: send('GET / HTTP/1.1\r\nHo'),
    waitMs: CORPUS_SOCKET_TIMEOUT_S * 1000 + 1500,
    bundled: o([408], true, 0),
    cheroot: o([408], true, 0),
  },
];

/** One server as the corpus sees it. */
export interface CorpusTarget {
  url: string;
  /** Requests that reached the application so far (the query itself not counted). */
  requestsSeen(): Promise<number>;
}

export interface CaseResult extends CaseOutcome {
  /** Each response as `status` (+ `c` when it said Connection: close), for the table. */
  detail: string;
  garbage: string;
  closeMs: number | undefined;
}

/** Runs one case on a fresh connection and reads back how many requests reached the application. */
export async function runCase(target: CorpusTarget, c: DifferentialCase): Promise<CaseResult> {
  const before = await target.requestsSeen();
  const out = await rawSteps(target.url, c.steps, { waitMs: c.waitMs ?? DEFAULT_WAIT_MS });
  // The application may still be finishing a request the client no longer waits for.
  await new Promise((r) => setTimeout(r, 100));
  const seen = (await target.requestsSeen()) - before;
  const finals = out.responses.filter((r) => r.status >= 200);
  return {
    statuses: finals.map((r) => r.status),
    closed: out.closed,
    seen,
    detail: out.responses.map((r) => `${r.status}${/close/i.test(r.headers.connection ?? '') ? 'c' : ''}`).join(' '),
    garbage: out.garbage,
    closeMs: out.closeMs,
  };
}

export function formatOutcome(r: CaseOutcome & { detail?: string }): string {
  return `${r.detail ?? r.statuses.join(' ')}${r.statuses.length === 0 ? '(none)' : ''} / ${r.closed ? 'closed' : 'open'} / ${r.seen}`;
}
