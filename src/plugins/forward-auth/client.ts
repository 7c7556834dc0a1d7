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

/**
 * The auth-service call: GET `url` with the original method, URI, host, scheme and client IP in
 * X-Forwarded-* and the chosen request headers; over one keep-alive pool.
 */
export class AuthService {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly host: string;
  private readonly requestHeaders: readonly string[];
  private readonly timeoutMs: number;
  private readonly maxBody: number;

  constructor(url: string, requestHeaders: readonly string[], timeoutMs: number, maxBody: number) {
    const u = new URL(url);
    this.pool = new Pool(u.origin, { connections: 128, keepAliveTimeout: 4_000 });
    this.path = `${u.pathname}${u.search}`;
    this.host = u.host;
    this.requestHeaders = requestHeaders.map((h) => h.toLowerCase());
    this.timeoutMs = timeoutMs;
    this.maxBody = maxBody;
  }

  async check(ctx: Ctx): Promise<AuthAnswer> {
    const headers: Record<string, string | string[]> = {
      host: this.host,
      'x-forwarded-method': ctx.method,
      'x-forwarded-uri': ctx.rawQuery === '' ? ctx.path : `${ctx.path}?${ctx.rawQuery}`,
      'x-forwarded-host': ctx.headers.host ?? ctx.host,
      'x-forwarded-proto': ctx.scheme,
      'x-forwarded-for': ctx.clientIp,
      'x-request-id': ctx.id,
    };
    for (const name of this.requestHeaders) {
      const v = ctx.headers[name];
      if (v !== undefined) headers[name] = v;
    }
    try {
      const res = await this.pool.request({
        method: 'GET',
        path: this.path,
        headers,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = await readBounded(res.body as AsyncIterable<Buffer>, this.maxBody);
      if (body === null) {
        res.body.destroy();
        throw new AuthServiceUnavailable(`auth answer body larger than ${this.maxBody} bytes`);
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
