// What the backend sees of the client through a proxy: one request to the bundled server's
// /headers endpoint, sent from another loopback address (127.0.0.2) with a Host the proxy does not
// own, so that "the client" and "the proxy" differ as they do in production. An app that logs
// request.remote.ip, or builds absolute URLs from Host, shows the proxy's address and host unless
// it reads X-Forwarded-For / X-Forwarded-Host (CherryPy: tools.proxy.on).
import http from 'node:http';

export interface ForwardedCheck {
  /** What the client sent and where from. */
  client_host: string;
  client_address: string;
  /** What the backend received. */
  host_seen: string | null;
  peer_address: string | null;
  x_forwarded_for: string | null;
  x_forwarded_host: string | null;
  x_forwarded_proto: string | null;
  /** An app without tools.proxy logs the proxy's address as the client's. */
  app_logs_proxy_address: boolean;
  /** An app without tools.proxy builds absolute URLs with a host the client did not use. */
  urls_use_proxy_host: boolean;
  /** With tools.proxy.on the app recovers both (the headers carry the client's address and host). */
  recoverable_with_tools_proxy: boolean;
}

const CLIENT_HOST = 'app.example:8443';
/** Another loopback source address: on Linux all of 127.0.0.0/8 is local. */
const CLIENT_ADDRESS = '127.0.0.2';
const CHECK_TIMEOUT_MS = 5000;

/** undefined when the backend has no /headers endpoint (not the bundled server). */
export async function checkForwarded(proxyUrl: string): Promise<ForwardedCheck | undefined> {
  const body = await getJson(`${proxyUrl}/headers`).catch(() => undefined);
  if (!body || typeof body !== 'object' || !('peer_address' in body)) return undefined;
  const b = body as Record<string, string | null>;
  const peer = (b.peer_address ?? '').replace(/^::ffff:/, '');
  const xff = b.x_forwarded_for ?? null;
  const xfh = b.x_forwarded_host ?? null;
  const host = b.host ?? null;
  const lastHop = xff?.split(',').map((s) => s.trim()).pop();
  return {
    client_host: CLIENT_HOST,
    client_address: CLIENT_ADDRESS,
    host_seen: host,
    peer_address: peer || null,
    x_forwarded_for: xff,
    x_forwarded_host: xfh,
    x_forwarded_proto: b.x_forwarded_proto ?? null,
    app_logs_proxy_address: peer !== CLIENT_ADDRESS,
    urls_use_proxy_host: host !== CLIENT_HOST,
    recoverable_with_tools_proxy: lastHop === CLIENT_ADDRESS && (host === CLIENT_HOST || xfh === CLIENT_HOST),
  };
}

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, localAddress: CLIENT_ADDRESS, headers: { host: CLIENT_HOST }, timeout: CHECK_TIMEOUT_MS }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? JSON.parse(text) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}
