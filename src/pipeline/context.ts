import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Consumer, Ctx, HeaderMap, Reply, RouteInfo } from '../sdk/context.ts';
import type { Slot } from '../sdk/slots.ts';
import { slotCount } from '../sdk/slots.ts';
import { errorBody } from '../core/errors.ts';
import { parseCookies } from '../core/cookies.ts';

const EMPTY_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/** What the server has established about a request before plugins see it. */
export interface RequestFacts {
  id: string;
  method: string;
  path: string;
  rawQuery: string;
  host: string;
  clientIp: string;
  scheme: string;
  headers: IncomingHttpHeaders;
  upstreamHeaders: HeaderMap;
  maxBodySize: number;
  startedAt: number;
}

/**
 * The per-request context. Every field is assigned in the constructor so all contexts share one hidden class;
 * costly views (parsed query, cookies) are computed on first use.
 */
export class RequestContext implements Ctx {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly host: string;
  readonly clientIp: string;
  readonly scheme: string;
  readonly headers: IncomingHttpHeaders;
  readonly raw: IncomingMessage;
  readonly startedAt: number;
  readonly upstreamHeaders: HeaderMap;
  readonly responseHeaders: HeaderMap;
  readonly logFields: Record<string, unknown>;
  route: RouteInfo | null;
  params: Readonly<Record<string, string>>;
  upstreamPath: string;
  upstreamQuery: string;
  maxBodySize: number;
  consumer: Consumer | null;
  private queryCache: URLSearchParams | null;
  private cookieCache: Record<string, string> | null;
  private slots: unknown[] | null;

  constructor(raw: IncomingMessage, f: RequestFacts) {
    this.id = f.id;
    this.method = f.method;
    this.path = f.path;
    this.rawQuery = f.rawQuery;
    this.host = f.host;
    this.clientIp = f.clientIp;
    this.scheme = f.scheme;
    this.headers = f.headers;
    this.raw = raw;
    this.startedAt = f.startedAt;
    this.upstreamHeaders = f.upstreamHeaders;
    this.responseHeaders = {};
    this.logFields = {};
    this.route = null;
    this.params = EMPTY_PARAMS;
    this.upstreamPath = f.path;
    this.upstreamQuery = f.rawQuery;
    this.maxBodySize = f.maxBodySize;
    this.consumer = null;
    this.queryCache = null;
    this.cookieCache = null;
    this.slots = null;
  }

  get query(): URLSearchParams {
    return (this.queryCache ??= new URLSearchParams(this.rawQuery));
  }

  get cookies(): Readonly<Record<string, string>> {
    return (this.cookieCache ??= parseCookies(this.headers.cookie));
  }

  reply(status: number, body?: unknown, headers: OutgoingHttpHeaders = {}): Reply {
    if (body === undefined || body === null) return { status, body: '', headers };
    if (typeof body === 'string' || Buffer.isBuffer(body)) return { status, body, headers };
    const h: OutgoingHttpHeaders = { 'content-type': 'application/json', ...headers };
    return { status, body: JSON.stringify(body), headers: h };
  }

  replyError(status: number, error: string, message: string, headers: OutgoingHttpHeaders = {}): Reply {
    return {
      status,
      body: errorBody(error, message, this.id),
      headers: { 'content-type': 'application/json', ...headers },
    };
  }

  get<T>(slot: Slot<T>): T | undefined {
    return this.slots === null ? undefined : (this.slots[slot.id] as T | undefined);
  }

  set<T>(slot: Slot<T>, value: T): void {
    (this.slots ??= new Array<unknown>(slotCount()))[slot.id] = value;
  }
}
