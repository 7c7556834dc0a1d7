import type { Ctx, Reply, AuthFailureKind } from '../../sdk/index.ts';
import { authFailure } from '../../sdk/index.ts';
import { ErrorCode } from '../../core/errors.ts';

/**
 * The value of header `lower` as the client sent it, when every line of it agrees: undefined when there is
 * none, null when two lines differ. Node keeps only the first `Authorization` and joins other repeated
 * headers with ", ", so repeats are only visible in rawHeaders: two different credentials in one request are
 * refused, the same one repeated is still one credential.
 */
export function agreedRawHeader(ctx: Ctx, lower: string): string | null | undefined {
  const raw = ctx.raw.rawHeaders;
  const len = lower.length;
  let first: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== len || name.toLowerCase() !== lower) continue;
    const value = raw[i + 1]!.trim();
    if (first === undefined) first = value;
    else if (value !== first) return null;
  }
  return first;
}

/** Whether header `lower` came on several lines with different values (see agreedRawHeader). */
export function conflictingRawHeader(ctx: Ctx, lower: string): boolean {
  return agreedRawHeader(ctx, lower) === null;
}

/** The first value of a header as node parsed it (arrays only for set-cookie and the like). */
export function headerValue(ctx: Ctx, lower: string): string | undefined {
  const v = ctx.headers[lower];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The credentials after `scheme ` (lower-case ASCII letters) in an Authorization value, the scheme compared
 * case-insensitively; undefined when the value uses another scheme.
 */
export function afterScheme(value: string, scheme: string): string | undefined {
  const n = scheme.length;
  if (value.length <= n || value.charCodeAt(n) !== 32) return undefined;
  // ASCII case fold by hand (scheme is lower-case letters): no sliced or lower-cased copy per request.
  for (let i = 0; i < n; i++) if ((value.charCodeAt(i) | 0x20) !== scheme.charCodeAt(i)) return undefined;
  return value.slice(n + 1).trim();
}

/** `query` (no `?`) without the parameters in `names`; used to hide credentials sent in the query. */
export function withoutQueryParams(query: string, names: ReadonlySet<string>): string {
  if (query === '') return query;
  const kept: string[] = [];
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    let name = eq < 0 ? part : part.slice(0, eq);
    try {
      name = decodeURIComponent(name.replaceAll('+', ' '));
    } catch {
      // keep the raw name: it cannot equal a configured one
    }
    if (!names.has(name)) kept.push(part);
  }
  return kept.join('&');
}

/** A Cookie header without the cookies in `names` (for hide_credentials). */
export function withoutCookies(cookie: string, names: ReadonlySet<string>): string {
  return cookie
    .split(';')
    .filter((part) => {
      const eq = part.indexOf('=');
      return !names.has((eq < 0 ? part : part.slice(0, eq)).trim());
    })
    .map((p) => p.trim())
    .join('; ');
}

/** The RFC 6750 challenge: bare when no token was sent, `error="invalid_token"` when one was refused. */
export function bearerChallenge(realm: string, kind: AuthFailureKind, description?: string): string {
  const base = `Bearer realm="${quote(realm)}"`;
  if (kind === 'missing') return base;
  return description === undefined
    ? `${base}, error="invalid_token"`
    : `${base}, error="invalid_token", error_description="${quote(description)}"`;
}

/** Inside a quoted-string of a header: printable ASCII only, no quotes (reasons may echo token fields). */
function quote(s: string): string {
  return s.replace(/[^\x20-\x7e]|["\\]/g, '');
}

/** A 401 refusal with a challenge; `reason` goes to the access log as `auth_error`. */
export function unauthorized(ctx: Ctx, kind: AuthFailureKind, reason: string, message: string, challenge: string): Reply {
  return authFailure(ctx, kind, reason, ctx.replyError(401, ErrorCode.unauthorized, message, { 'www-authenticate': challenge }));
}

/** A 503 because an auth server could not be asked (fail closed). */
export function authUnavailable(ctx: Ctx, reason: string, message: string): Reply {
  return authFailure(ctx, 'unavailable', reason, ctx.replyError(503, ErrorCode.serviceUnavailable, message));
}
