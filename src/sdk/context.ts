import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Slot } from './slots.ts';

/** The identity a request runs as once an auth plugin (or `anonymous`) has chosen one. */
export interface Consumer {
  readonly id: string;
  readonly username: string;
  readonly customId?: string | undefined;
  readonly groups: readonly string[];
  /** Scopes of the consumer's own credentials (API key, password); a token's scopes are its own. */
  readonly scopes?: readonly string[] | undefined;
}

/** The route a request matched, as plugins see it. */
export interface RouteInfo {
  readonly name: string;
  readonly service: string | undefined;
}

/** A local reply produced by a plugin; return it from a request-side hook to answer without the upstream. */
export interface Reply {
  readonly status: number;
  readonly body: string | Buffer;
  readonly headers: OutgoingHttpHeaders;
}

/** Headers sent to the upstream: lower-case names, mutable. */
export type HeaderMap = Record<string, string | string[]>;

/** The per-request view plugins get. One object per request; fields are fixed (see pipeline/context.ts). */
export interface Ctx {
  /** The request id (kept from a sane `X-Request-ID` or generated). */
  readonly id: string;
  readonly method: string;
  /** The normalized path: what routing, every plugin and the upstream see. */
  readonly path: string;
  /** The raw query string without `?` ('' when none). */
  readonly rawQuery: string;
  /** Parsed query (lazy). */
  readonly query: URLSearchParams;
  /** Request host without port, lower-case. */
  readonly host: string;
  /** The client IP after `trusted_proxies` are taken into account. */
  readonly clientIp: string;
  /** `http` or `https`, as the client connected. */
  readonly scheme: string;
  /** The request headers as received (lower-case names). Auth routes strip identity headers from `upstreamHeaders`, not here. */
  readonly headers: IncomingHttpHeaders;
  /** Cookies from the Cookie header (lazy). */
  readonly cookies: Readonly<Record<string, string>>;
  /** The node request, for plugins that need the raw stream. Prefer the fields above. */
  readonly raw: IncomingMessage;
  /** The matched route (null before routing, i.e. in global onRequest). */
  readonly route: RouteInfo | null;
  /** Params from a templated path or named regex groups. */
  readonly params: Readonly<Record<string, string>>;
  /** Monotonic ms when the request arrived. */
  readonly startedAt: number;

  /** Path sent upstream (service path + rest); plugins may rewrite it. Must start with `/`. */
  upstreamPath: string;
  /** Query string sent upstream, without `?`. */
  upstreamQuery: string;
  /** Headers sent upstream; hop-by-hop already removed, X-Forwarded-* already set. */
  readonly upstreamHeaders: HeaderMap;
  /** Headers added to the client response (whatever answered: upstream or a plugin). */
  readonly responseHeaders: HeaderMap;
  /** Largest request body accepted, bytes; plugins may lower it for a route. */
  maxBodySize: number;
  /** The identity the request runs as (set by auth plugins). */
  consumer: Consumer | null;
  /** Extra fields for the access log line (e.g. `auth_error`). Never put secrets here. */
  readonly logFields: Record<string, unknown>;

  /** Build a local reply. A string or Buffer body is sent as is; anything else as JSON. */
  reply(status: number, body?: unknown, headers?: OutgoingHttpHeaders): Reply;
  /** Build a JSON error reply `{"error", "message", "request_id"}`. */
  replyError(status: number, error: string, message: string, headers?: OutgoingHttpHeaders): Reply;
  get<T>(slot: Slot<T>): T | undefined;
  set<T>(slot: Slot<T>, value: T): void;
}

/** The response as `onResponseHeaders` sees it; status and headers may be changed. */
export interface ResponseHead {
  status: number;
  readonly headers: HeaderMap;
  /** True when the upstream produced it, false for a local reply. */
  readonly fromUpstream: boolean;
}

/** The access-log record handed to `onLog`. */
export interface AccessRecord {
  request_id: string;
  timestamp: string;
  method: string;
  path: string;
  route: string | null;
  service: string | null;
  upstream: string | null;
  status: number;
  latency_ms: number;
  upstream_latency_ms: number | null;
  bytes_in: number;
  bytes_out: number;
  client_ip: string;
  user_agent: string | null;
  consumer: string | null;
  [extra: string]: unknown;
}
