import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  bodyBytes: number;
}

export type Behaviour = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface FakeUpstream {
  readonly url: string;
  readonly port: number;
  readonly seen: Seen[];
  /** Replace how it answers (default: echo JSON of what it saw). */
  behave(fn: Behaviour): void;
  close(): Promise<void>;
}

/** A real upstream on 127.0.0.1:0 that records every request and echoes it back as JSON unless told otherwise. */
export async function startUpstream(behaviour?: Behaviour): Promise<FakeUpstream> {
  const seen: Seen[] = [];
  let fn: Behaviour = behaviour ?? echo;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const rec: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, bodyBytes: 0 };
    seen.push(rec);
    req.on('data', (c: Buffer) => (rec.bodyBytes += c.length));
    void Promise.resolve(fn(req, res)).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    behave: (b) => {
      fn = b;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Default behaviour: read the body, answer JSON describing the request. */
export const echo: Behaviour = async (req, res) => {
  let bytes = 0;
  for await (const c of req as AsyncIterable<Buffer>) bytes += c.length;
  const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, bytes });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-upstream': 'yes' });
  res.end(body);
};
