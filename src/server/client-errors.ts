// What the server answers to requests node's parser (llhttp) refuses, chosen to match what
// cheroot 9 / CherryPy 18.8 answer (measured on this machine with raw sockets, see
// docs/server.md): status line, a text/plain reason, and the connection closed.
export type ClientErrorOutcome = 'bad_request' | 'header_too_large' | 'timeout' | 'not_implemented' | 'disconnect';

interface Answer {
  outcome: ClientErrorOutcome;
  status: string;
  message: string;
  /** cheroot adds "Connection: close" only to 413/414. */
  connectionClose: boolean;
}

const ANSWERS: Record<string, Answer> = {
  // "GET /a b HTTP/1.1": llhttp wants "HTTP/" after the second space; cheroot splits the line
  // in three and finds the protocol "b HTTP/1.1" does not start with HTTP/.
  HPE_INVALID_CONSTANT: { outcome: 'bad_request', status: '400 Bad Request', message: 'Malformed Request-Line: bad protocol', connectionClose: false },
  HPE_INVALID_VERSION: { outcome: 'bad_request', status: '400 Bad Request', message: 'Malformed Request-Line: bad version', connectionClose: false },
  HPE_INVALID_METHOD: { outcome: 'bad_request', status: '400 Bad Request', message: 'Malformed Request-Line', connectionClose: false },
  HPE_INVALID_URL: { outcome: 'bad_request', status: '400 Bad Request', message: 'Malformed Request-URI', connectionClose: false },
  HPE_CR_EXPECTED: { outcome: 'bad_request', status: '400 Bad Request', message: 'HTTP requires CRLF terminators', connectionClose: false },
  HPE_LF_EXPECTED: { outcome: 'bad_request', status: '400 Bad Request', message: 'HTTP requires CRLF terminators', connectionClose: false },
  HPE_INVALID_HEADER_TOKEN: { outcome: 'bad_request', status: '400 Bad Request', message: 'Illegal header line.', connectionClose: false },
  HPE_INVALID_CONTENT_LENGTH: { outcome: 'bad_request', status: '400 Bad Request', message: 'Malformed Content-Length Header.', connectionClose: false },
  // Content-Length together with Transfer-Encoding (request smuggling shape). cheroot 9 lets
  // chunked win; llhttp refuses it, and so do we (see docs/server.md, "differences").
  HPE_UNEXPECTED_CONTENT_LENGTH: { outcome: 'bad_request', status: '400 Bad Request', message: 'Content-Length and Transfer-Encoding together.', connectionClose: false },
  HPE_INVALID_TRANSFER_ENCODING: { outcome: 'not_implemented', status: '501 Unimplemented', message: '', connectionClose: false },
  HPE_INVALID_CHUNK_SIZE: { outcome: 'bad_request', status: '400 Bad Request', message: 'Bad chunked transfer size', connectionClose: false },
  // cheroot checks the whole head against max_request_header_size and answers 413.
  HPE_HEADER_OVERFLOW: { outcome: 'header_too_large', status: '413 Request Entity Too Large', message: 'The headers sent with the request exceed the maximum allowed bytes.', connectionClose: true },
  ERR_HTTP_REQUEST_TIMEOUT: { outcome: 'timeout', status: '408 Request Timeout', message: '', connectionClose: false },
};

/** Two Content-Length headers, equal or not: cheroot keeps the last; refused here (smuggling shape). */
const DUPLICATE_CONTENT_LENGTH: Answer = { outcome: 'bad_request', status: '400 Bad Request', message: 'Multiple Content-Length headers.', connectionClose: false };

const DEFAULT_ANSWER: Answer = { outcome: 'bad_request', status: '400 Bad Request', message: 'Bad Request', connectionClose: false };

/** cheroot's simple_response(): status, Content-Length, Content-Type text/plain, maybe close. */
export function rawSimpleResponse(status: string, message: string, connectionClose: boolean): Buffer {
  const body = Buffer.from(message, 'latin1');
  const head = `HTTP/1.1 ${status}\r\nContent-Length: ${body.length}\r\nContent-Type: text/plain\r\n${connectionClose ? 'Connection: close\r\n' : ''}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

export type ClientErrorVerdict =
  | { kind: 'disconnect' }
  | { kind: 'answer'; outcome: ClientErrorOutcome; response: Buffer };

/**
 * What to do about bytes the parser refused: the client is gone (just close), or the answer to
 * send. The acceptor sends it in its turn, after the responses to the requests before it.
 */
export function classifyClientError(err: NodeJS.ErrnoException, socketWritable: boolean): ClientErrorVerdict {
  const code = err.code ?? '';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'HPE_INVALID_EOF_STATE' || !socketWritable) return { kind: 'disconnect' };
  // llhttp reports both orders of Content-Length + Transfer-Encoding, and a repeated
  // Content-Length, under the codes of either header; only its reason text tells them apart.
  const reason = String((err as { reason?: unknown }).reason ?? err.message ?? '');
  const answer = /Duplicate Content-Length/i.test(reason) ? DUPLICATE_CONTENT_LENGTH
    : /Content-Length/.test(reason) && /Transfer-Encoding/.test(reason) ? ANSWERS.HPE_UNEXPECTED_CONTENT_LENGTH
    : ANSWERS[code] ?? DEFAULT_ANSWER;
  return { kind: 'answer', outcome: answer.outcome, response: rawSimpleResponse(answer.status, answer.message, answer.connectionClose) };
}
