import type { IncomingMessage } from 'node:http';
import type { RequestLimits } from '../compile/table.ts';
import { ErrorCode } from '../core/errors.ts';

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

export interface Target {
  path: string;
  rawQuery: string;
}

/**
 * Refuses, before any plugin runs, the request shapes behind smuggling and confusion attacks that node's
 * parser lets through: duplicate Host, Transfer-Encoding on HTTP/1.0 or with any coding but `chunked`, more
 * headers than `max_headers` (node would silently drop the rest — possibly an Authorization header), an
 * over-long target. (Content-Length together with Transfer-Encoding, bad chunking and HTTP/0.9 are refused by
 * node's strict parser and reach the server's clientError handler.)
 */
export function checkRequest(req: IncomingMessage, limits: RequestLimits): Refusal | null {
  const raw = req.rawHeaders;
  if (raw.length > limits.maxHeaders * 2) {
    return { status: 400, code: ErrorCode.badRequest, message: `more than ${limits.maxHeaders} request headers` };
  }
  if (req.httpVersionMajor !== 1 && req.httpVersionMajor !== 2) {
    return { status: 400, code: ErrorCode.badRequest, message: 'unsupported HTTP version' };
  }
  let hosts = 0;
  let te = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') hosts++;
    else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') te++;
  }
  if (hosts > 1) return { status: 400, code: ErrorCode.badRequest, message: 'duplicate Host header' };
  if (te > 0) {
    if (req.httpVersionMinor === 0 && req.httpVersionMajor === 1) {
      return { status: 400, code: ErrorCode.badRequest, message: 'Transfer-Encoding is not allowed on HTTP/1.0' };
    }
    const v = req.headers['transfer-encoding'];
    if (te > 1 || v === undefined || v.trim().toLowerCase() !== 'chunked') {
      return { status: 400, code: ErrorCode.badRequest, message: 'only Transfer-Encoding: chunked is accepted' };
    }
  }
  const url = req.url ?? '';
  if (url.length > limits.maxUriLength) {
    return { status: 414, code: ErrorCode.uriTooLong, message: `request target longer than ${limits.maxUriLength}` };
  }
  return null;
}

/**
 * Splits the request target into path and query. An absolute-form target (`GET http://host/path`) must name
 * the same authority as the Host header, else two parties could disagree about where the request goes.
 */
export function splitTarget(req: IncomingMessage): Target | Refusal {
  const url = req.url ?? '';
  let pathAndQuery = url;
  if (url.charCodeAt(0) !== 47 /* '/' */) {
    if (!/^https?:\/\//i.test(url)) {
      return { status: 400, code: ErrorCode.badRequest, message: 'request target must be a path' };
    }
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return { status: 400, code: ErrorCode.badRequest, message: 'malformed request target' };
    }
    const host = (req.headers.host ?? '').toLowerCase();
    if (u.host.toLowerCase() !== host && authorityWithoutDefaultPort(url) !== host) {
      return { status: 400, code: ErrorCode.badRequest, message: 'absolute-form target disagrees with Host' };
    }
    const start = url.indexOf('/', url.indexOf('//') + 2);
    pathAndQuery = start < 0 ? '/' : url.slice(start);
  }
  const q = pathAndQuery.indexOf('?');
  if (q < 0) return { path: pathAndQuery, rawQuery: '' };
  return { path: pathAndQuery.slice(0, q), rawQuery: pathAndQuery.slice(q + 1) };
}

function authorityWithoutDefaultPort(url: string): string {
  const rest = url.slice(url.indexOf('//') + 2);
  const end = rest.search(/[/?#]/);
  return (end < 0 ? rest : rest.slice(0, end)).toLowerCase();
}

export function isRefusal(x: Target | Refusal): x is Refusal {
  return (x as Refusal).status !== undefined;
}
