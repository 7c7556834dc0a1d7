import { createSlot } from './slots.ts';

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

/** Name of the auth plugin that authenticated the request; unset while anonymous or unauthenticated. */
export const AUTHENTICATED_BY = createSlot<string>('auth.by');
