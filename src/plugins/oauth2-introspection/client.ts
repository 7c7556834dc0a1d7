import { readBounded } from '../../core/read-bounded.ts';
import { Pool } from '../../upstream/undici-pool.ts';

/** Largest introspection answer we read; a bigger one is an error, not a reason to buffer more. */
const MAX_BODY = 64 * 1024;

/** Thrown when the endpoint could not answer (timeout, connection, non-200, junk): fail open or closed. */
export class IntrospectionUnavailable extends Error {
  /**
   * The endpoint could not be reached, timed out or failed (5xx): `fail: open` may pass the request. An answer
   * that refuses the gateway (4xx: wrong client credentials) or makes no sense never does: that is a
   * misconfiguration, and passing every token through it would open the route.
   */
  readonly outage: boolean;
  constructor(message: string, outage: boolean, options?: ErrorOptions) {
    super(message, options);
    this.outage = outage;
  }
}

/**
 * RFC 7662 client: POSTs the token with the gateway's client credentials (HTTP Basic, RFC 6749 §2.3.1) over
 * one keep-alive pool per endpoint.
 */
export class Introspector {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly authorization: string;
  private readonly hint: string;
  private readonly timeoutMs: number;

  constructor(url: string, clientId: string, clientSecret: string, hint: string, timeoutMs: number) {
    const u = new URL(url);
    this.pool = new Pool(u.origin, { connections: 64, keepAliveTimeout: 4_000 });
    this.path = `${u.pathname}${u.search}`;
    const basic = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
    this.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
    this.hint = hint;
    this.timeoutMs = timeoutMs;
  }

  /** The introspection response object. Throws IntrospectionUnavailable when there is none. */
  async introspect(token: string): Promise<Record<string, unknown>> {
    let text: string;
    try {
      const res = await this.pool.request({
        method: 'POST',
        path: this.path,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          authorization: this.authorization,
        },
        body: `token=${encodeURIComponent(token)}&token_type_hint=${encodeURIComponent(this.hint)}`,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (res.statusCode !== 200) {
        // dump, not destroy: a destroyed unread undici body emits an error nobody listens to.
        await res.body.dump().catch(() => undefined);
        // 5xx, 429 and 408 are the endpoint's own trouble (fail: open may apply); other answers refuse the
        // gateway (wrong client credentials, wrong URL): a misconfiguration.
        const s = res.statusCode;
        throw new IntrospectionUnavailable(`introspection endpoint answered ${s}`, s >= 500 || s === 429 || s === 408);
      }
      let body: Buffer | null;
      try {
        body = await readBounded(res.body as AsyncIterable<Buffer>, MAX_BODY);
      } catch (err) {
        throw new IntrospectionUnavailable(`introspection answer cut off: ${(err as Error).message}`, true, { cause: err });
      }
      if (body === null) {
        res.body.destroy();
        throw new IntrospectionUnavailable('introspection answer larger than 64 KB', false);
      }
      text = body.toString('utf8');
    } catch (err) {
      if (err instanceof IntrospectionUnavailable) throw err;
      throw new IntrospectionUnavailable(`introspection failed: ${(err as Error).name}: ${(err as Error).message}`, true, { cause: err });
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new IntrospectionUnavailable('introspection answer is not JSON', false);
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new IntrospectionUnavailable('introspection answer is not an object', false);
    return doc as Record<string, unknown>;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
