// cpdiag only ever loads loopback: it is a diagnosis tool, not a load-testing service, and a
// misplaced URL must never turn it against somebody else's machine.
import { isIP } from 'node:net';
import { CpdiagError, EXIT } from '../exit-codes.js';

function isLoopbackHost(host: string): boolean {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.split('.')[0] === '127';
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

/** Throws CpdiagError(USAGE) unless url is http:// on 127.0.0.0/8, localhost or [::1]; returns the parsed URL. */
export function assertLoopback(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CpdiagError(`not a valid URL: ${JSON.stringify(url)}`, EXIT.USAGE);
  }
  if (parsed.protocol !== 'http:') {
    throw new CpdiagError(`only http:// targets are supported, got ${parsed.protocol}//`, EXIT.USAGE);
  }
  if (!isLoopbackHost(parsed.hostname)) {
    throw new CpdiagError(
      `refusing to load ${parsed.hostname}: cpdiag only loads loopback targets (127.0.0.0/8, localhost, [::1])`,
      EXIT.USAGE,
    );
  }
  return parsed;
}
