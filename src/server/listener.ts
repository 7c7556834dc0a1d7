import type { Server, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from '../core/node-http.ts';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { onClientError, onConnectRequest } from './client-error.ts';

/** Server-wide timeouts and limits; node's defaults (60s head, 300s request) are not safe for a gateway. */
export interface ServerLimits {
  headerTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  maxHeaderSize: number;
  maxHeaders: number;
}

export interface Listener {
  readonly address: string;
  readonly server: Server;
  /** The port actually bound (useful with port 0). */
  port(): number;
  /** Applies changed limits after a reload (all but maxHeaderSize, which node fixes at creation). */
  update(limits: ServerLimits): void;
  /** Stop accepting; close idle keep-alive sockets at once; resolve when every connection has ended. */
  close(graceMs: number): Promise<void>;
}

/** Splits `host:port` (or `[v6]:port`) into its parts. */
export function parseAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  let host = address.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host: host === '' ? '0.0.0.0' : host, port: Number(address.slice(i + 1)) };
}

/** Binds `server` to `host:port`; resolves with the port actually bound (useful with port 0). */
export async function bind(server: Server, address: string): Promise<number> {
  const { host, port } = parseAddress(address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address();
  return typeof a === 'object' && a !== null ? a.port : port;
}

/** An HTTP listener with safe timeouts, strict parsing and graceful close. */
export async function listen(
  address: string,
  limits: ServerLimits,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  onRefused?: (status: number) => void,
): Promise<Listener> {
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderSize,
      insecureHTTPParser: false,
      requireHostHeader: true,
      joinDuplicateHeaders: false,
      // Our own request-timeout checks run on the connection timer; keep node's checker responsive.
      connectionsCheckingInterval: 1000,
      noDelay: true,
    },
    handler,
  );
  const apply = (l: ServerLimits): void => {
    server.headersTimeout = l.headerTimeout;
    server.requestTimeout = l.requestTimeout;
    server.keepAliveTimeout = l.keepAliveTimeout;
    // No count limit in node (it would drop or 431 the excess): the pipeline counts rawHeaders against
    // max_headers and answers 400; max_header_size still bounds the head's bytes.
    server.maxHeadersCount = 0;
  };
  apply(limits);
  server.on('clientError', (err: Error & { code?: string }, socket) => onClientError(err, socket, onRefused));
  server.on('connect', (_req, socket: Duplex) => onConnectRequest(socket, onRefused));
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const port = await bind(server, address);
  return {
    address,
    server,
    port: () => port,
    update: apply,
    close: (graceMs: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
        // Sockets that go idle after their in-flight response are closed as they finish (Connection: close).
      }),
  };
}
