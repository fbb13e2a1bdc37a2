// What cheroot 9 (read_request_line / read_request_headers) and CherryPy 18 refuse in a request
// head that node's parser (llhttp) lets through, in cheroot's order: protocol version, request
// target, body size, transfer coding, then CherryPy's Host check. Pure: the acceptor calls it for
// every request head and answers a refusal in the request's turn on its connection.
import type { IncomingHttpHeaders } from 'node:http';

export type RefusalCounter = 'bad_request_400' | 'too_large_413';

export interface Refusal {
  /** Status line text, as cheroot's simple_response writes it. */
  status: string;
  message: string;
  /** cheroot closes the connection after this answer. */
  close: boolean;
  /** Whether the refusal carries a `Connection: close` header (cheroot: 413/414 only). */
  closeHeader: boolean;
  counter: RefusalCounter;
}

export interface HeadFacts {
  method: string;
  url: string;
  versionMajor: number;
  versionMinor: number;
  headers: IncomingHttpHeaders;
  /** max_request_body_size (0 = no limit). */
  maxBodyBytes: number;
}

export type HeadCheck = { ok: true; path: string } | { ok: false; refusal: Refusal };

const refuse = (status: string, message: string, counter: RefusalCounter = 'bad_request_400', close = true): HeadCheck =>
  ({ ok: false, refusal: { status, message, close, closeHeader: status.startsWith('413'), counter } });

/** scheme "://" authority ...: RFC 7230 absolute-form (what a proxy is sent; CherryPy runs cheroot in proxy mode and accepts it). */
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * The path (and query) a request target names: origin-form as is, absolute-form reduced to its
 * path, as cheroot's urlsplit does. undefined when the target is neither.
 */
export function targetPath(url: string): string | undefined {
  if (url.startsWith('/')) return url;
  if (url === '*') return url;
  if (!ABSOLUTE_FORM.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    return `${parsed.pathname || '/'}${parsed.search}`;
  } catch {
    return undefined;
  }
}

export function checkRequestHead(h: HeadFacts): HeadCheck {
  // cheroot answers 505 for any major version but 1 and for 1.x above 1.1, and closes.
  if (h.versionMajor !== 1 || h.versionMinor > 1) return refuse('505 HTTP Version Not Supported', 'Cannot fulfill request');
  if (h.url.includes('#')) return refuse('400 Bad Request', 'Illegal #fragment in Request-URI.');
  const path = targetPath(h.url);
  if (path === undefined) {
    return refuse('400 Bad Request', 'Invalid path in Request-URI: request-target must contain origin-form which starts with absolute-path (URI starting with a slash "/").');
  }
  const declared = h.headers['content-length'];
  if (h.maxBodyBytes > 0 && declared !== undefined && Number(declared) > h.maxBodyBytes) {
    return refuse('413 Request Entity Too Large', 'The entity sent with the request exceeds the maximum allowed bytes.', 'too_large_413');
  }
  // llhttp refuses most transfer codings itself, but lets a request with a non-chunked one
  // through to its head; cheroot answers 501 to anything but chunked.
  const te = h.headers['transfer-encoding'];
  if (te !== undefined && h.versionMinor >= 1) {
    const codings = te.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
    if (codings.some((c) => c !== 'chunked')) return refuse('501 Unimplemented', '');
  }
  // CherryPy (not cheroot) refuses HTTP/1.1 without Host, as an application answer: kept alive.
  if (h.versionMinor >= 1 && h.headers.host === undefined) {
    return refuse('400 Bad Request', "HTTP/1.1 requires a 'Host' request header.", 'bad_request_400', false);
  }
  return { ok: true, path };
}
