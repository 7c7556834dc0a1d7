import type { AuthFailureKind, Consumer, Ctx, HookResult, Reply, RequestHook } from '../../sdk/index.ts';
import { AUTH_CHALLENGES, AUTH_FAILURE, AUTHENTICATED_BY, FAILED_OPEN } from '../../sdk/index.ts';
import { ErrorCode } from '../../core/errors.ts';
import { setIdentityHeaders } from './identity.ts';

/** One auth plugin's onAccess hook, in priority order. */
export interface AuthMember {
  readonly plugin: string;
  readonly fn: RequestHook;
}

// Which refusal the client gets when no member authenticates: the highest rank, the first member on ties.
const RANK: Record<AuthFailureKind, number> = { missing: 0, invalid: 1, unavailable: 2, forbidden: 3 };

/** What the members said so far; allocated only once one of them did not authenticate. */
class Outcome {
  best: Reply | null = null;
  bestRank = -1;
  bestReason: unknown = undefined;
  /** WWW-Authenticate challenges of the members that found no credentials (all are offered, RFC 9110 §11.6.1). */
  challenges: string[] = [];
  anonymous: Consumer | null = null;
  /** A member saw credentials and refused them (or could not check them): no anonymous fallback then. */
  refused = false;
  /** A member could not check and lets the request through (`fail: open`): it goes on, unauthenticated. */
  open = false;
  openReason: unknown = undefined;

  fail(kind: AuthFailureKind, reply: Reply, reason: unknown): void {
    if (kind !== 'missing') this.refused = true;
    else {
      const c = reply.headers['www-authenticate'];
      if (typeof c === 'string') this.challenges.push(c);
    }
    if (RANK[kind] > this.bestRank) {
      this.best = reply;
      this.bestRank = RANK[kind];
      this.bestReason = reason;
    }
  }
}

const AUTHENTICATED = Symbol('authenticated');

function isPromise<T>(v: unknown): v is Promise<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * The auth plugins of one route as a single onAccess hook ("any of them"): removes identity headers from
 * what goes upstream, then runs each member until one authenticates (sets AUTHENTICATED_BY). A member that
 * finds no credentials and has `anonymous` sets that consumer without authenticating; the request continues
 * as it only when no member refused credentials. Otherwise the most relevant refusal is the answer.
 * Stays synchronous while the members are.
 */
export function authGroup(members: readonly AuthMember[], strip: readonly string[]): RequestHook {
  const stripSet = new Set(strip);
  return (ctx) => {
    const h = ctx.upstreamHeaders;
    for (let i = 0; i < strip.length; i++) {
      const name = strip[i]!;
      if (h[name] !== undefined) delete h[name];
    }
    // `X_User_ID` is X-User-ID to servers that map "_" to "-" (CGI, WSGI, PHP, Rack): removed as well.
    for (const name in h) {
      if (name.includes('_') && stripSet.has(name.replaceAll('_', '-'))) delete h[name];
    }
    return step(ctx, members, 0, null);
  };
}

function step(ctx: Ctx, members: readonly AuthMember[], start: number, st: Outcome | null): HookResult | Promise<HookResult> {
  for (let i = start; i < members.length; i++) {
    const r = members[i]!.fn(ctx);
    if (isPromise<HookResult>(r)) {
      return r.then((v) => {
        const s = settle(ctx, v, st);
        return s === AUTHENTICATED ? undefined : step(ctx, members, i + 1, s);
      });
    }
    const s = settle(ctx, r, st);
    if (s === AUTHENTICATED) return undefined;
    st = s;
  }
  return finish(ctx, st);
}

function settle(ctx: Ctx, v: HookResult, st: Outcome | null): Outcome | typeof AUTHENTICATED {
  if (!v && ctx.get(AUTHENTICATED_BY) !== undefined) {
    // An earlier member's fail: open no longer applies: this one checked the request.
    if (st !== null && st.open) {
      ctx.set(FAILED_OPEN, undefined);
      if (ctx.logFields.auth_error === st.openReason) delete ctx.logFields.auth_error;
    }
    setIdentityHeaders(ctx, false);
    return AUTHENTICATED;
  }
  st ??= new Outcome();
  if (v) {
    const kind = ctx.get(AUTH_FAILURE) ?? classify(v.status);
    ctx.set(AUTH_FAILURE, undefined);
    st.fail(kind, v, ctx.logFields.auth_error);
    // The refusal's reason is kept with it; the log gets the reason of the refusal that wins (or none).
    if (ctx.logFields.auth_error !== undefined) delete ctx.logFields.auth_error;
  } else {
    if (ctx.get(FAILED_OPEN) === true && !st.open) {
      st.open = true;
      st.openReason = ctx.logFields.auth_error;
    }
    if (ctx.consumer !== null) st.anonymous ??= ctx.consumer;
  }
  // A refused (or anonymous) member leaves no identity behind for the next one to trip over.
  ctx.consumer = null;
  return st;
}

function classify(status: number): AuthFailureKind {
  if (status === 403) return 'forbidden';
  if (status >= 500) return 'unavailable';
  return 'invalid';
}

function finish(ctx: Ctx, st: Outcome | null): HookResult {
  // fail: open stands in for "no credentials": the request goes on (as anonymous when one is set) unless
  // another member refused credentials it could check.
  if (st !== null && !st.refused && (st.open || st.anonymous !== null)) {
    // auth_error stays: it says why the request runs as anonymous (e.g. an auth server down under fail: open).
    if (st.open) ctx.logFields.auth_error = st.openReason;
    ctx.consumer = st.anonymous;
    // For a later 401 (acl): the route's own challenges.
    if (st.challenges.length > 0) {
      const prior = ctx.get(AUTH_CHALLENGES);
      const own = prior === undefined ? [] : typeof prior === 'string' ? [prior] : prior;
      ctx.set(AUTH_CHALLENGES, [...own, ...st.challenges]);
    }
    if (st.anonymous === null) return undefined;
    setIdentityHeaders(ctx, true);
    return undefined;
  }
  // Refused: whatever failed open does not count.
  if (st !== null && st.open) ctx.set(FAILED_OPEN, undefined);
  if (st === null || st.best === null) {
    ctx.logFields.auth_error = 'no credentials';
    return ctx.replyError(401, ErrorCode.unauthorized, 'authentication required', { 'www-authenticate': 'Bearer realm="portico"' });
  }
  ctx.logFields.auth_error = st.bestReason;
  const best = st.best;
  if (st.bestRank === RANK.missing && st.challenges.length > 1) {
    return { status: best.status, body: best.body, headers: { ...best.headers, 'www-authenticate': st.challenges } };
  }
  return best;
}
