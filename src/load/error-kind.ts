// One place that turns what went wrong into an ErrorKind, for every client the engine has
// (autocannon, undici, raw sockets), so that the same failure is counted the same way.

/** Error kinds. Non-2xx responses are counted as `http_<status>`. */
export type ErrorKind =
  | 'refused'
  | 'reset'
  | 'timeout'
  | 'closed'
  | 'other'
  | `http_${number}`;

/** 2xx and 3xx are successes; anything else is counted as http_<status>. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 400;
}

export function httpErrorKind(status: number): ErrorKind {
  return `http_${status}`;
}

/** Transport failures (Node/undici errors) to a kind. */
export function classifyError(err: unknown): ErrorKind {
  const e = err as { code?: string; name?: string; message?: string; cause?: unknown } | undefined;
  const code = e?.code ?? '';
  const message = e?.message ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    case 'ETIMEDOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'timeout';
    // undici: "other side closed" — the server closed the connection before the response ended.
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return e?.cause !== undefined && e.cause !== err ? refine(classifyError(e.cause), 'closed') : 'closed';
    default:
      break;
  }
  if (e?.name === 'TimeoutError' || /timed out/i.test(message)) return 'timeout';
  if (e?.cause !== undefined && e.cause !== err) return classifyError(e.cause);
  return 'other';
}

/** A socket error's cause may say more (reset) than the wrapper (closed). */
function refine(fromCause: ErrorKind, fallback: ErrorKind): ErrorKind {
  return fromCause === 'other' ? fallback : fromCause;
}
