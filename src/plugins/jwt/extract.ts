import type { Ctx } from '../../sdk/index.ts';
import { cookieValues } from '../../core/cookies.ts';
import { afterScheme, conflictingRawHeader, withoutCookies, withoutQueryParams } from '../auth-common/request.ts';

/** Where a jwt instance looks for tokens (decided at create()). */
export interface TokenSources {
  readonly headers: readonly string[];
  readonly cookies: readonly string[];
  readonly params: readonly string[];
}

/** Two different tokens in one request: refused, never "pick one". */
export const CONFLICT = null;

/**
 * The token the request carries: '' when none, CONFLICT when two differ (duplicate Authorization headers,
 * or a header and a cookie that disagree). Authorization must use the Bearer scheme (other schemes are left
 * to other auth plugins); in other headers the `Bearer ` prefix is optional.
 */
export function findToken(ctx: Ctx, s: TokenSources): string | null {
  let token = '';
  for (let i = 0; i < s.headers.length; i++) {
    const name = s.headers[i]!;
    const raw = ctx.headers[name];
    if (raw === undefined) continue;
    const v = Array.isArray(raw) ? raw.join(', ') : raw;
    let t: string | undefined;
    if (name === 'authorization') {
      t = afterScheme(v, 'bearer');
      if (t === undefined) continue;
      if (conflictingRawHeader(ctx, 'authorization')) return CONFLICT;
    } else t = afterScheme(v, 'bearer') ?? v.trim();
    if (t === '') continue;
    if (token !== '' && token !== t) return CONFLICT;
    token = t;
  }
  if (s.cookies.length > 0 && ctx.headers.cookie !== undefined) {
    for (let i = 0; i < s.cookies.length; i++) {
      // Every occurrence: `session=A; session=B` is two tokens (an upstream may read the other one).
      for (const t of cookieValues(ctx.headers.cookie, s.cookies[i]!)) {
        if (t === '') continue;
        if (token !== '' && token !== t) return CONFLICT;
        token = t;
      }
    }
  }
  if (s.params.length > 0 && ctx.rawQuery !== '') {
    const q = ctx.query;
    for (let i = 0; i < s.params.length; i++) {
      for (const t of q.getAll(s.params[i]!)) {
        if (t === '') continue;
        if (token !== '' && token !== t) return CONFLICT;
        token = t;
      }
    }
  }
  return token;
}

/** Removes `token` from every place it could have come from, before the request goes upstream. */
export function hideToken(ctx: Ctx, s: TokenSources, cookieSet: ReadonlySet<string>, paramSet: ReadonlySet<string>): void {
  const h = ctx.upstreamHeaders;
  for (const name of s.headers) {
    if (name !== 'authorization') delete h[name];
    else {
      const v = h.authorization;
      if (typeof v === 'string' && afterScheme(v, 'bearer') !== undefined) delete h.authorization;
    }
  }
  if (cookieSet.size > 0 && typeof h.cookie === 'string') {
    const rest = withoutCookies(h.cookie, cookieSet);
    if (rest === '') delete h.cookie;
    else h.cookie = rest;
  }
  if (paramSet.size > 0) ctx.upstreamQuery = withoutQueryParams(ctx.upstreamQuery, paramSet);
}
