/**
 * Bench upstream: the smallest useful HTTP/1.1 origin. Answers every request with `{"ok":true}` (JSON,
 * keep-alive) after draining any request body. Listens on 127.0.0.1:PORT (argv[2], default 0 = ephemeral)
 * and prints `LISTENING <port>` on stdout once bound. Exits on SIGTERM/SIGINT.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const BODY = Buffer.from('{"ok":true}');
const HEADERS = { 'content-type': 'application/json', 'content-length': String(BODY.length) };

function respond(res: http.ServerResponse): void {
  res.writeHead(200, HEADERS);
  res.end(BODY);
}

const server = http.createServer((req, res) => {
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return respond(res);
  req.on('end', () => respond(res));
  req.resume();
});
// Idle keep-alive sockets must survive the other scenarios' rounds (interleaved runs), or every round
// would start with a reconnect storm from the proxies' pools.
server.keepAliveTimeout = 600_000;
server.headersTimeout = 0;
server.requestTimeout = 0;

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${(server.address() as AddressInfo).port}\n`);
});

function shutdown(): void {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2_000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
