// A slow dependency on loopback (a database, an upstream API): answers each request after `ms`.
// The handler under test calls it (/upstream?port=PORT), so its workers block on this peer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startSlowPeer(ms: number): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => { setTimeout(() => res.end('slow answer\n'), ms); });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
