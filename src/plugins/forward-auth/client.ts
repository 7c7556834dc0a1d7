import { readBounded } from '../../core/read-bounded.ts';
import { Pool } from '../../upstream/undici-pool.ts';
import type { Ctx } from '../../sdk/index.ts';

/** What the auth service said. */
export interface AuthAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export class AuthServiceUnavailable extends Error {}

const EMPTY = Buffer.alloc(0);

/** Request headers never passed on to the auth service when all are (`request_headers` unset): it gets a bodiless GET of its own. */
const NOT_SENT = new Set(['host', 'content-length', 'transfer-encoding', 'expect']);
/**
 * Headers auth services read as the request's target or origin (X-Forwarded-Uri, X-Original-URL, and their
 * underscore spellings): the client's own are never sent, the gateway sets what they must say.
 */
const TARGET_CLAIMS = /^x[-_](forwarded|original|real)[-_]/;
/**
 * The client's credentials, always sent as the client sent them: the auth group has removed from the
 * upstream's copy every header an auth plugin of the route sets (forward-auth's own `response_headers:
 * [Authorization]`, say, which swaps the credential for an internal one).
 */
const CREDENTIALS = ['authorization', 'cookie'];
/** Headers that describe a body: dropped with a refusal's body when it cannot be relayed. */
const BODY_HEADERS = new Set(['content-type', 'content-encoding', 'content-range', 'content-md5', 'digest', 'etag', 'last-modified']);

/**
 * The auth-service call: GET `url` with the original method, URI, host, scheme and client IP in
 * X-Forwarded-* and the chosen request headers (all end-to-end ones when none are chosen); over one
 * keep-alive pool.
 */
export class AuthService {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly host: string;
  /** Lower-case names, or null for every end-to-end header. */
  private readonly requestHeaders: readonly string[] | null;
  private readonly timeoutMs: number;
  private readonly maxBody: number;

  constructor(url: string, requestHeaders: readonly string[] | null, timeoutMs: number, maxBody: number) {
    const u = new URL(url);
    this.pool = new Pool(u.origin, { connections: 128, keepAliveTimeout: 4_000 });
    this.path = `${u.pathname}${u.search}`;
    this.host = u.host;
    this.requestHeaders = requestHeaders === null ? null : requestHeaders.map((h) => h.toLowerCase());
    this.timeoutMs = timeoutMs;
    this.maxBody = maxBody;
  }

  async check(ctx: Ctx): Promise<AuthAnswer> {
    const headers: Record<string, string | string[]> = {};
    if (this.requestHeaders === null) {
      // What would go upstream: hop-by-hop headers and client-forged identity headers are already gone, and
      // Forwarded / X-Real-IP are the gateway's own.
      const up = ctx.upstreamHeaders;
      for (const name in up) {
        if (!NOT_SENT.has(name) && !TARGET_CLAIMS.test(name)) headers[name] = up[name]!;
      }
      for (const name of CREDENTIALS) {
        const v = ctx.headers[name];
        if (v !== undefined) headers[name] = v;
      }
    } else {
      for (const name of this.requestHeaders) {
        const v = ctx.headers[name];
        if (v !== undefined) headers[name] = v;
      }
    }
    Object.assign(headers, {
      host: this.host,
      'x-forwarded-method': ctx.method,
      'x-forwarded-uri': ctx.rawQuery === '' ? ctx.path : `${ctx.path}?${ctx.rawQuery}`,
      'x-forwarded-host': ctx.headers.host ?? ctx.host,
      'x-forwarded-proto': ctx.scheme,
      'x-forwarded-for': ctx.clientIp,
      'x-request-id': ctx.id,
    });
    try {
      const res = await this.pool.request({
        method: 'GET',
        path: this.path,
        headers,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (res.statusCode >= 200 && res.statusCode < 300) {
        // A pass's body is never used: read past it whatever its size (the connection stays reusable).
        await res.body.dump({ limit: Number.MAX_SAFE_INTEGER });
        return { status: res.statusCode, headers: res.headers, body: EMPTY };
      }
      // A refusal is a refusal even when its body cannot be had (too large, cut off, too slow): it is
      // relayed without the body, never turned into "unavailable" (which fail: open would let through).
      let body: Buffer | null = null;
      try {
        body = await readBounded(res.body as AsyncIterable<Buffer>, this.maxBody);
      } catch {
        // the body broke off or timed out
      }
      if (body === null) {
        res.body.destroy();
        const kept: AuthAnswer['headers'] = {};
        for (const name in res.headers) if (!BODY_HEADERS.has(name)) kept[name] = res.headers[name];
        return { status: res.statusCode, headers: kept, body: EMPTY };
      }
      return { status: res.statusCode, headers: res.headers, body };
    } catch (err) {
      if (err instanceof AuthServiceUnavailable) throw err;
      throw new AuthServiceUnavailable(`${(err as Error).name}: ${(err as Error).message}`, { cause: err });
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
