/**
 * Bench "bare proxy": the plain-Node ceiling a gateway is measured against. node:http server → one undici
 * Pool (128 connections, no pipelining) → upstream, using undici's handler API (onRequestStart/
 * onResponseStart/onResponseData/onResponseEnd/onResponseError). No routing, no plugins, no logging.
 *
 * Usage: node bench/bare-proxy.ts <upstream origin> [port]. Prints `LISTENING <port>` once bound.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, type Dispatcher } from 'undici';

const origin = process.argv[2];
if (!origin) throw new Error('usage: bare-proxy.ts <upstream origin> [port]');
const pool = new Pool(origin, { connections: 128, pipelining: 1 });

// RFC 9110 §7.6.1 hop-by-hop headers, plus `host` (undici sets it from the origin).
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

function strip(headers: http.IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const named = headers.connection?.toLowerCase().split(',').map((s) => s.trim());
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined || HOP.has(key) || named?.includes(key)) continue;
    out[key] = value;
  }
  return out;
}

const server = http.createServer((req, res) => {
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  let controller: Dispatcher.DispatchController | undefined;
  res.on('close', () => {
    if (!res.writableFinished) controller?.abort(new Error('client closed'));
  });
  const handler: Dispatcher.DispatchHandler = {
    onRequestStart(c) {
      controller = c;
    },
    onResponseStart(c, statusCode, headers) {
      res.writeHead(statusCode, strip(headers));
    },
    onResponseData(c, chunk) {
      if (!res.write(chunk)) {
        c.pause();
        res.once('drain', () => c.resume());
      }
    },
    onResponseEnd() {
      res.end();
    },
    onResponseError(_c, err) {
      if (res.headersSent) res.destroy(err);
      else res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway\n');
    },
  };
  pool.dispatch(
    {
      origin,
      path: req.url ?? '/',
      method: req.method as Dispatcher.HttpMethod,
      headers: strip(req.headers),
      body: hasBody ? req : null,
    },
    handler,
  );
});
server.keepAliveTimeout = 600_000;
server.headersTimeout = 0;
server.requestTimeout = 0;

server.listen(Number(process.argv[3] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${(server.address() as AddressInfo).port}\n`);
});

function shutdown(): void {
  server.close(() => void pool.close().then(() => process.exit(0)));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2_000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
