import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { CompiledTable } from '../compile/table.ts';
import type { PipelineEnv } from './env.ts';
import type { HeaderMap } from '../sdk/context.ts';
import { RequestContext } from './context.ts';
import { Exchange } from './exchange.ts';
import { checkRequest, isRefusal, splitTarget, type Refusal } from './guards.ts';
import { normalizePath } from '../router/normalize.ts';
import { forwardHeaders, peerOf } from '../proxy/forwarded.ts';
import { isSaneRequestId, newRequestId } from '../core/ids.ts';
import { stripMapped } from '../core/cidr.ts';
import { errorBody, ErrorCode } from '../core/errors.ts';

export interface ListenerFacts {
  scheme: 'http' | 'https';
  port: number;
}

/**
 * The request listener for one server socket. Pins the current table for the request, refuses unsafe
 * requests before any plugin runs, normalizes the path once, and hands the request to an Exchange.
 */
export function createRequestListener(
  env: PipelineEnv,
  acquire: () => CompiledTable,
  facts: ListenerFacts,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const startedAt = performance.now();
    const table = acquire();
    const incomingId = req.headers['x-request-id'];
    const id = typeof incomingId === 'string' && isSaneRequestId(incomingId) ? incomingId : newRequestId();
    const refusal = checkRequest(req, table.limits);
    if (refusal !== null) return refuse(env, table, req, res, refusal, id, startedAt);
    const target = splitTarget(req);
    if (isRefusal(target)) return refuse(env, table, req, res, target, id, startedAt);
    const norm = normalizePath(target.path);
    if (!norm.ok) {
      const bad = { status: 400, code: ErrorCode.badRequest, message: `bad path: ${norm.reason}` };
      return refuse(env, table, req, res, bad, id, startedAt);
    }
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    const upstreamHeaders: HeaderMap = {};
    const peer = peerOf(req.socket, facts.scheme, facts.port);
    const clientIp = forwardHeaders(req.headers, peer, hostHeader, table.limits.trustedProxies, upstreamHeaders);
    upstreamHeaders['x-request-id'] = id;
    const ctx = new RequestContext(req, {
      id,
      method: req.method ?? 'GET',
      path: norm.path,
      rawQuery: target.rawQuery,
      host: hostWithoutPort(hostHeader),
      clientIp,
      scheme: facts.scheme,
      headers: req.headers,
      upstreamHeaders,
      maxBodySize: table.limits.maxBodySize,
      startedAt,
    });
    new Exchange(env, table, ctx, req, res).run();
  };
}

function hostWithoutPort(host: string): string {
  if (host.charCodeAt(0) === 91 /* '[' */) {
    const end = host.indexOf(']');
    return end < 0 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

/** Refused before the pipeline: a JSON error, the connection closed, counted and logged like any request. */
function refuse(
  env: PipelineEnv,
  table: CompiledTable,
  req: IncomingMessage,
  res: ServerResponse,
  r: Refusal,
  id: string,
  startedAt: number,
): void {
  const body = errorBody(r.code, r.message, id);
  res.writeHead(r.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': id,
    connection: 'close',
  });
  res.end(body);
  table.noRouteMetrics.observe(r.status, 0, null);
  env.logger.info({ request_id: id, status: r.status, reason: r.message }, 'request refused');
  res.once('close', () => {
    env.release(table);
    if (!env.accessLog.enabled) return;
    const latency = performance.now() - startedAt;
    env.accessLog.write({
      request_id: id,
      timestamp: new Date(Date.now() - latency).toISOString(),
      method: req.method ?? '',
      // The raw target is not logged (it is what was refused, possibly hostile); only its length.
      path: `(refused: ${(req.url ?? '').length} bytes)`,
      route: null,
      service: null,
      upstream: null,
      status: r.status,
      latency_ms: Math.round(latency * 1000) / 1000,
      upstream_latency_ms: null,
      bytes_in: 0,
      bytes_out: Buffer.byteLength(body),
      client_ip: stripMapped(req.socket.remoteAddress ?? ''),
      user_agent: req.headers['user-agent'] ?? null,
      consumer: null,
      refused: r.message,
    });
  });
}
