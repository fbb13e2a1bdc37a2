// A tiny HTTP endpoint for Prometheus: GET /metrics answers the current figures, in OpenMetrics
// when the scraper asks for it (Prometheus does) and in the classic text format otherwise (curl,
// promtool). Loopback only: the figures describe a production process (its threads, sockets,
// limits) and the endpoint has no authentication, so it is never exposed to the network; reach it
// from elsewhere through an SSH tunnel or a proxy you control.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { negotiateMetricsFormat, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_TEXT_CONTENT_TYPE, renderOpenMetrics, renderPrometheusText, type MetricFamily } from '../report/openmetrics.js';

export const METRICS_PATH = '/metrics';

export interface ListenAddress {
  host: string;
  port: number;
}

export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^(0+:){7}0*1$/.test(host);
  return false;
}

/** "127.0.0.1:9464", "[::1]:9464", "localhost:9464" or a bare port (on 127.0.0.1); loopback only. */
export function parseListenAddress(text: string, flag = '--metrics-listen'): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text.trim()) ?? (/^\d+$/.test(text.trim()) ? [text, undefined, '127.0.0.1', text.trim()] : null);
  if (!m) throw new CpdiagError(`${flag}: expected HOST:PORT, e.g. 127.0.0.1:9464, got "${text}"`, EXIT.USAGE);
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (!(port >= 0 && port <= 65535)) throw new CpdiagError(`${flag}: port ${m[3]} is not 0..65535`, EXIT.USAGE);
  if (!isLoopback(host)) {
    throw new CpdiagError(
      `${flag}: ${host || '(all interfaces)'} is not a loopback address; cpdiag serves metrics on loopback only (127.0.0.1 or ::1)`,
      EXIT.USAGE,
      'the endpoint has no authentication: scrape it from this machine, or through an SSH tunnel or a proxy you control',
    );
  }
  return { host, port };
}

/** Serves `families()` at /metrics until close(). A failed render answers 500 and keeps serving. */
export function startMetricsListener(address: ListenAddress, families: () => MetricFamily[]): Promise<MetricsListener> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path !== METRICS_PATH) {
      res.writeHead(path === '/' ? 200 : 404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(path === '/' ? `cpdiag metrics: ${METRICS_PATH}\n` : 'not found\n');
      return;
    }
    let body: string;
    let type: string;
    try {
      const f = families();
      const openMetrics = negotiateMetricsFormat(req.headers.accept) === 'openmetrics';
      body = openMetrics ? renderOpenMetrics(f) : renderPrometheusText(f);
      type = openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_TEXT_CONTENT_TYPE;
    } catch (e) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`cpdiag: cannot render the metrics: ${e instanceof Error ? e.message : String(e)}\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'the port is in use' : e.code === 'EADDRNOTAVAIL' ? 'no such local address' : e.message;
      reject(new CpdiagError(`--metrics-listen: cannot listen on ${address.host}:${address.port}: ${why}`, EXIT.USAGE));
    });
    server.listen(address.port, address.host, () => {
      const a = server.address();
      const port = typeof a === 'object' && a ? a.port : address.port;
      const host = address.host.includes(':') ? `[${address.host}]` : address.host;
      resolve({
        url: `http://${host}:${port}${METRICS_PATH}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // A scraper keeps its connection alive; end it instead of waiting for it.
            server.closeAllConnections();
          }),
      });
    });
  });
}
