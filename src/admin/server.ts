import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from '../core/node-http.ts';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { AdminBackend } from './backend.ts';
import type { Logger } from '../observability/logger.ts';
import { errorBody, ErrorCode } from '../core/errors.ts';
import { newRequestId } from '../core/ids.ts';
import { readBounded } from '../core/read-bounded.ts';
import { bind } from '../server/listener.ts';

const MAX_ADMIN_BODY = 1024 * 1024;

export interface AdminServer {
  readonly server: Server;
  port(): number;
  close(): Promise<void>;
}

/**
 * The admin API on its own listener: /health, /ready, /status, /config, /metrics, POST /reload,
 * POST /explain. With a token configured every endpoint requires `Authorization: Bearer <token>`.
 */
export async function startAdmin(
  address: string,
  token: () => string,
  backend: AdminBackend,
  logger: Logger,
): Promise<AdminServer> {
  const server = createServer((req, res) => {
    handle(req, res, token(), backend).catch((err: unknown) => {
      // decodeURIComponent of a path segment or parameter (`%ZZ`): the client's mistake, not ours.
      if (err instanceof URIError && !res.headersSent) {
        return sendError(res, 400, ErrorCode.badRequest, 'malformed percent-encoding in the URL', newRequestId());
      }
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'admin request failed');
      if (res.headersSent) res.destroy();
      else send(res, 500, JSON.parse(errorBody(ErrorCode.internal, 'internal error', newRequestId())));
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const port = await bind(server, address);
  return {
    server,
    port: () => port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, token: string, backend: AdminBackend): Promise<void> {
  const id = newRequestId();
  if (token !== '' && !authorized(req.headers.authorization, token)) {
    res.setHeader('www-authenticate', 'Bearer realm="portico-admin"');
    return sendError(res, 401, ErrorCode.unauthorized, 'admin token required', id);
  }
  const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
  const method = req.method ?? 'GET';
  const route = `${method} ${path}`;
  switch (route) {
    case 'GET /health':
      return send(res, 200, { status: 'ok' });
    case 'GET /ready':
      return backend.ready() ? send(res, 200, { status: 'ready' }) : send(res, 503, { status: 'not ready' });
    case 'GET /status':
      return send(res, 200, backend.status());
    case 'GET /config':
      return send(res, 200, backend.config());
    case 'GET /metrics': {
      const m = await backend.metrics();
      res.writeHead(200, { 'content-type': m.contentType });
      res.end(m.body);
      return;
    }
    case 'POST /reload': {
      const r = await backend.reload();
      return send(res, r.ok ? 200 : 400, r);
    }
    case 'POST /explain': {
      const body = await readJson(req);
      if (!isExplainBody(body)) {
        return sendError(res, 400, ErrorCode.badRequest, 'body must be {"method": "GET", "url": "...", "headers": {...}}', id);
      }
      return send(res, 200, await backend.explain({ method: body.method ?? 'GET', url: body.url, headers: body.headers ?? {} }));
    }
    default: {
      const body = method === 'GET' || method === 'HEAD' || method === 'DELETE' ? undefined : await readJson(req);
      const answer = await backend.extension(method, path, query, body);
      if (answer) {
        // Error bodies carry a request_id like every other error Portico sends.
        const b = answer.body;
        if (answer.status >= 400 && typeof b === 'object' && b !== null && 'error' in b && !('request_id' in b)) {
          return send(res, answer.status, { ...b, request_id: id });
        }
        return send(res, answer.status, b);
      }
      if (['/health', '/ready', '/status', '/config', '/metrics', '/reload', '/explain'].includes(path ?? '')) {
        return sendError(res, 405, ErrorCode.methodNotAllowed, `${method} not allowed on ${path}`, id);
      }
      return sendError(res, 404, ErrorCode.notFound, `no admin endpoint ${path}`, id);
    }
  }
}

function authorized(header: string | undefined, token: string): boolean {
  if (!header || !header.startsWith('Bearer ')) return false;
  // Compare digests so the comparison is constant-time whatever the lengths.
  const a = createHash('sha256').update(header.slice(7)).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

interface ExplainBody {
  method?: string;
  url: string;
  headers?: Record<string, string>;
}

function isExplainBody(b: unknown): b is ExplainBody {
  if (typeof b !== 'object' || b === null) return false;
  const o = b as Record<string, unknown>;
  if (typeof o.url !== 'string') return false;
  if (o.method !== undefined && typeof o.method !== 'string') return false;
  if (o.headers !== undefined) {
    if (typeof o.headers !== 'object' || o.headers === null) return false;
    for (const v of Object.values(o.headers)) if (typeof v !== 'string') return false;
  }
  return true;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBounded(req as AsyncIterable<Buffer>, MAX_ADMIN_BODY);
  if (body === null) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, id: string): void {
  const text = errorBody(code, message, id);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
