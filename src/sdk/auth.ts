import { createSlot } from './slots.ts';
import type { Ctx, Reply } from './context.ts';

/**
 * Facts auth plugins hand to later phases (ACL, rate limiting, logging). The consumer itself is
 * `ctx.consumer`; these slots carry the rest.
 */

/** A stable id of the credential that authenticated the request (e.g. `key-auth:<key id>`, `jwt:<iss>/<sub>`). */
export const CREDENTIAL = createSlot<string>('auth.credential');

/** Verified claims (JWT payload, introspection response) for claim-based keys and headers. */
export const CLAIMS = createSlot<Readonly<Record<string, unknown>>>('auth.claims');

/** Scopes granted to the request (from `scope`/`scp` claims or introspection). */
export const SCOPES = createSlot<readonly string[]>('auth.scopes');

/**
 * Groups (roles) the request's credential grants beyond its consumer's configured ones, e.g. from an auth
 * service's answer; acl allow/deny checks both.
 */
export const GROUPS = createSlot<readonly string[]>('auth.groups');

/** Name of the auth plugin that authenticated the request; unset while anonymous or unauthenticated. */
export const AUTHENTICATED_BY = createSlot<string>('auth.by');

/**
 * Why an auth plugin refused a request, so that several auth plugins on one route ("any of them") can pick
 * the most relevant reply: `invalid` credentials beat `missing` ones, `forbidden` (403) beats both, and
 * `unavailable` means the plugin could not decide (its auth server failed). Set it with `authFailure()`.
 */
export type AuthFailureKind = 'missing' | 'invalid' | 'unavailable' | 'forbidden';

/** Set by an auth plugin right before it returns its refusal; read (and cleared) by the auth group. */
export const AUTH_FAILURE = createSlot<AuthFailureKind | undefined>('auth.failure');

/**
 * Marks `reply` as an auth refusal of `kind` and returns it: `return authFailure(ctx, 'missing', reply)`.
 * `reason` goes to the access log as `auth_error`; it must never contain the secret.
 */
export function authFailure(ctx: Ctx, kind: AuthFailureKind, reason: string, reply: Reply): Reply {
  ctx.set(AUTH_FAILURE, kind);
  ctx.logFields.auth_error = reason;
  return reply;
}

/**
 * Set by an auth plugin that could not check the request (its auth server down or slow) and lets it through
 * under `fail: open`, with `reason` for the access log: `return failedOpen(ctx, reason)`. No identity was
 * verified: the request goes on as the plugin's anonymous consumer, or as nobody (acl then answers 401), unless
 * another auth plugin on the route authenticates it.
 */
export const FAILED_OPEN = createSlot<true | undefined>('auth.failed-open');

/** Marks the request as let through unchecked (`fail: open`); returns nothing, so the hook passes. */
export function failedOpen(ctx: Ctx, reason: string, anonymous: Ctx['consumer']): undefined {
  ctx.set(FAILED_OPEN, true);
  ctx.logFields.auth_error = `${reason} (fail: open)`;
  ctx.consumer = anonymous;
  return undefined;
}

/** WWW-Authenticate challenges of the route's auth plugins when the request runs as anonymous, for a later 401 (acl). */
export const AUTH_CHALLENGES = createSlot<string | readonly string[]>('auth.challenges');
