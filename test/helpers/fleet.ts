import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { request } from 'undici';

/** How a controlled upstream answers. */
export type Mode =
  | { kind: 'ok' }
  | { kind: 'status'; status: number }
  | { kind: 'slow'; ms: number }
  /** Headers at once, then the body after `ms`. */
  | { kind: 'slow-body'; ms: number }
  | { kind: 'hang' }
  | { kind: 'reset' };

export interface Controlled {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  /** Requests seen (health checks on `/health` counted apart). */
  hits: number;
  checks: number;
  inflight: number;
  maxInflight: number;
  /** Methods and bodies of the requests seen. */
  readonly seen: { method: string; path: string; body: string }[];
  mode: Mode;
  /** Status the `/health` probe answers (200 by default). */
  health: number;
  /** Stop listening and cut every connection (the target "dies"); `revive()` listens again on the same port. */
  die(): Promise<void>;
  revive(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real upstream on 127.0.0.1 that can be told to fail, hang, reset the connection, answer slowly or die.
 * It answers `{"name": ...}` so tests count which target served a request.
 */
export async function startControlled(name: string): Promise<Controlled> {
  const sockets = new Set<Socket>();
  const hanging = new Set<() => void>();
  let server: Server;
  const c: Controlled = {
    name,
    url: '',
    port: 0,
    hits: 0,
    checks: 0,
    inflight: 0,
    maxInflight: 0,
    seen: [],
    mode: { kind: 'ok' },
    health: 200,
    die: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
    revive: async () => {
      server = make();
      await new Promise<void>((r) => server.listen(c.port, '127.0.0.1', r));
    },
    close: async () => {
      for (const f of hanging) f();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => (server.listening ? server.close(() => r()) : r()));
    },
  };
  const make = (): Server => {
    const srv = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => {
        if (req.url === '/health') {
          c.checks++;
          res.writeHead(c.health).end();
          return;
        }
        c.hits++;
        c.inflight++;
        c.maxInflight = Math.max(c.maxInflight, c.inflight);
        c.seen.push({ method: req.method ?? '', path: req.url ?? '', body: Buffer.concat(chunks).toString() });
        res.on('close', () => c.inflight--);
        const body = JSON.stringify({ name });
        const send = (status = 200): void => {
          res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        };
        const m = c.mode;
        switch (m.kind) {
          case 'ok':
            return send();
          case 'status':
            return send(m.status);
          case 'slow': {
            const t = setTimeout(() => send(), m.ms);
            hanging.add(() => clearTimeout(t));
            return;
          }
          case 'slow-body': {
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
            res.write(body.slice(0, 1));
            const t = setTimeout(() => res.end(body.slice(1)), m.ms);
            hanging.add(() => clearTimeout(t));
            return;
          }
          case 'hang':
            hanging.add(() => res.destroy());
            return;
          case 'reset':
            req.socket.resetAndDestroy();
            return;
        }
      });
    });
    srv.keepAliveTimeout = 5000;
    srv.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    return srv;
  };
  server = make();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  Object.assign(c, { port, url: `http://127.0.0.1:${port}` });
  return c;
}

/** Sends `n` requests (at most `concurrency` at once) and counts answers by upstream name (or status). */
export async function spread(
  url: string,
  n: number,
  opts: { concurrency?: number; headers?: Record<string, string>; method?: string } = {},
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      next++;
      const res = await request(url, { method: (opts.method ?? 'GET') as 'GET', headers: opts.headers });
      const text = await res.body.text();
      let key = String(res.statusCode);
      if (res.statusCode === 200) key = (JSON.parse(text) as { name: string }).name;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 1 }, worker));
  return out;
}

/** Polls `check` every 10 ms until it is true (for background work such as health checks), failing after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
