// A minimal HTTP/1.1 response reader for the raw-socket slow clients: it only needs to know
// the status and where the response ends (Content-Length, chunked, or connection close).
// It never buffers the body, so a slow reader of a large response stays cheap.

export interface ResponseHead {
  status: number;
  keepAlive: boolean;
}

const HEADER_END = Buffer.from('\r\n\r\n');
/** Responses whose head is larger than this are treated as malformed. */
const MAX_HEAD_BYTES = 64 * 1024;

export class ResponseReader {
  head: ResponseHead | undefined;
  complete = false;
  malformed = false;
  private headBuf = Buffer.alloc(0);
  private remaining = -1; // body bytes still expected; -1 = until close
  private chunked = false;
  private chunkTail = '';

  constructor(private readonly requestMethod: string) {}

  /** Feeds received bytes; returns true once the whole response has arrived. */
  push(data: Buffer): boolean {
    if (this.complete || this.malformed) return this.complete;
    if (!this.head) {
      this.headBuf = Buffer.concat([this.headBuf, data]);
      const end = this.headBuf.indexOf(HEADER_END);
      if (end < 0) {
        if (this.headBuf.length > MAX_HEAD_BYTES) this.malformed = true;
        return false;
      }
      this.parseHead(this.headBuf.subarray(0, end).toString('latin1'));
      const rest = this.headBuf.subarray(end + HEADER_END.length);
      this.headBuf = Buffer.alloc(0);
      if (this.malformed || this.complete) return this.complete;
      return this.pushBody(rest);
    }
    return this.pushBody(data);
  }

  /** The server closed the connection: complete only if the body was delimited by the close. */
  end(): boolean {
    if (this.head && !this.complete && !this.chunked && this.remaining === -1) this.complete = true;
    return this.complete;
  }

  private parseHead(text: string): void {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
    if (!m) {
      this.malformed = true;
      return;
    }
    const status = Number(m[2]);
    let keepAlive = m[1] === '1';
    let length = -1;
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      if (i < 0) continue;
      const name = line.slice(0, i).trim().toLowerCase();
      const value = line.slice(i + 1).trim().toLowerCase();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding' && value.includes('chunked')) this.chunked = true;
      else if (name === 'connection') keepAlive = value.includes('keep-alive') || (keepAlive && !value.includes('close'));
    }
    this.head = { status, keepAlive };
    const noBody = this.requestMethod === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
    if (noBody || (!this.chunked && length === 0)) {
      this.complete = true;
    } else if (!this.chunked) {
      this.remaining = Number.isFinite(length) && length >= 0 ? length : -1;
      if (this.remaining === -1) this.head.keepAlive = false;
    }
  }

  private pushBody(data: Buffer): boolean {
    if (this.chunked) {
      // The last chunk is "0\r\n\r\n" (no trailers in practice); look for it across reads.
      const text = this.chunkTail + data.toString('latin1');
      if (/(^|\r\n)0\r\n\r\n$/.test(text) || text.endsWith('\r\n0\r\n\r\n')) this.complete = true;
      this.chunkTail = text.slice(-16);
    } else if (this.remaining >= 0) {
      this.remaining -= data.length;
      if (this.remaining <= 0) this.complete = true;
    }
    return this.complete;
  }
}
