// What the server answers to requests node's parser (llhttp) refuses, chosen to match what
// cheroot 9 / CherryPy 18.8 answer (measured on this machine with raw sockets, see
// docs/server.md): status line, a text/plain reason, and the connection closed.
import type { Socket } from 'node:net';

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
  HPE_UNEXPECTED_CONTENT_LENGTH: { outcome: 'bad_request', status: '400 Bad Request', message: 'Content-Length and Transfer-Encoding together', connectionClose: false },
  HPE_INVALID_TRANSFER_ENCODING: { outcome: 'not_implemented', status: '501 Unimplemented', message: '', connectionClose: false },
  HPE_INVALID_CHUNK_SIZE: { outcome: 'bad_request', status: '400 Bad Request', message: 'Bad chunked transfer size', connectionClose: false },
  // cheroot checks the whole head against max_request_header_size and answers 413.
  HPE_HEADER_OVERFLOW: { outcome: 'header_too_large', status: '413 Request Entity Too Large', message: 'The headers sent with the request exceed the maximum allowed bytes.', connectionClose: true },
  ERR_HTTP_REQUEST_TIMEOUT: { outcome: 'timeout', status: '408 Request Timeout', message: '', connectionClose: false },
};

const DEFAULT_ANSWER: Answer = { outcome: 'bad_request', status: '400 Bad Request', message: 'Bad Request', connectionClose: false };

/** cheroot's simple_response(): status, Content-Length, Content-Type text/plain, maybe close. */
export function rawSimpleResponse(status: string, message: string, connectionClose: boolean): Buffer {
  const body = Buffer.from(message, 'latin1');
  const head = `HTTP/1.1 ${status}\r\nContent-Length: ${body.length}\r\nContent-Type: text/plain\r\n${connectionClose ? 'Connection: close\r\n' : ''}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** Answers (or just closes) a connection whose bytes the parser refused; says what it was. */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket, responseStarted: boolean): ClientErrorOutcome {
  const code = err.code ?? '';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'HPE_INVALID_EOF_STATE' || !socket.writable) {
    socket.destroy();
    return 'disconnect';
  }
  // llhttp reports both orders of Content-Length + Transfer-Encoding under the codes of either
  // header; only its reason text tells a conflict from a bad value or an unknown coding.
  const reason = String((err as { reason?: unknown }).reason ?? err.message ?? '');
  const conflict = /Content-Length/.test(reason) && /Transfer-Encoding/.test(reason);
  const answer = conflict ? ANSWERS.HPE_UNEXPECTED_CONTENT_LENGTH : ANSWERS[code] ?? DEFAULT_ANSWER;
  if (responseStarted) {
    // Too late for a status line: the error came in the middle of a body we are answering.
    socket.destroy();
    return answer.outcome;
  }
  socket.end(rawSimpleResponse(answer.status, answer.message, answer.connectionClose));
  return answer.outcome;
}
