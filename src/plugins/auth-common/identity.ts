import type { Consumer, ConsumerDecl, Ctx, HeaderMap, PluginEnv } from '../../sdk/index.ts';
import { AUTH_CHALLENGES, CREDENTIAL, SCOPES } from '../../sdk/index.ts';

/**
 * Headers that carry an identity to the upstream. The gateway sets them after auth; a client must never be
 * able to send them, so every auth group removes them (plus each plugin's own targets) before auth runs.
 */
export const IDENTITY_HEADERS: readonly string[] = [
  'x-consumer-id',
  'x-consumer-username',
  'x-consumer-custom-id',
  'x-consumer-groups',
  'x-credential-identifier',
  'x-anonymous-consumer',
  'x-user-id',
  'x-scopes',
];

/** The runtime Consumer for a declared one, with its groups header value computed once. */
export function toConsumer(d: ConsumerDecl): Consumer {
  const scopes = Object.freeze([...(d.scopes ?? [])]);
  const c: Consumer = { id: d.id, username: d.username, customId: d.custom_id, groups: [...d.groups], scopes };
  groupHeader.set(c, d.groups.join(', '));
  scopeHeader.set(c, scopes.join(' '));
  return Object.freeze(c);
}

const groupHeader = new WeakMap<Consumer, string>();
const scopeHeader = new WeakMap<Consumer, string>();

/**
 * The request runs as `c`, authenticated by a credential of the consumer itself (an API key, a password):
 * its scopes are the consumer's `scopes`, and the upstream gets X-User-ID (the consumer id, what a token's
 * `sub` would map to) and X-Scopes as a token route would send them.
 */
export function actAsConsumer(ctx: Ctx, c: Consumer): void {
  ctx.consumer = c;
  const h = ctx.upstreamHeaders;
  h['x-user-id'] = headerSafe(c.id);
  const scopes = scopeHeader.get(c);
  if (scopes) {
    ctx.set(SCOPES, c.scopes!);
    h['x-scopes'] = headerSafe(scopes);
  }
}

/**
 * Consumers by id, custom_id and username, built once per plugin instance. Matching an identity from a
 * token (`sub`, `client_id`) tries custom_id, then id, then username.
 */
export class ConsumerIndex {
  readonly all: readonly Consumer[];
  private readonly byId = new Map<string, Consumer>();
  private readonly byCustomId = new Map<string, Consumer>();
  private readonly byUsername = new Map<string, Consumer>();

  constructor(decls: readonly ConsumerDecl[]) {
    const all: Consumer[] = [];
    for (const d of decls) {
      const c = toConsumer(d);
      all.push(c);
      this.byId.set(c.id, c);
      this.byUsername.set(c.username, c);
      if (c.customId !== undefined) this.byCustomId.set(c.customId, c);
    }
    this.all = all;
  }

  /** By id or username (how `anonymous:` names a consumer). */
  byName(name: string): Consumer | undefined {
    return this.byId.get(name) ?? this.byUsername.get(name);
  }

  /** A claim value to a consumer: custom_id, then id, then username. */
  match(value: string): Consumer | undefined {
    return this.byCustomId.get(value) ?? this.byId.get(value) ?? this.byUsername.get(value);
  }

  /** The consumer declared as `decl` (same object the index holds). */
  of(decl: ConsumerDecl): Consumer {
    return this.byId.get(decl.id)!;
  }
}

/** Resolves `anonymous: <username or id>` at create() time; unknown names are config errors. */
export function resolveAnonymous(index: ConsumerIndex, name: string | undefined): Consumer | null {
  if (name === undefined) return null;
  const c = index.byName(name);
  if (!c) throw new Error(`anonymous: no consumer with username or id "${name}"`);
  return c;
}

const adHoc = new WeakSet<Consumer>();

/**
 * An identity known only from a verified token or auth server (no consumer declared for it). It names the
 * request in the access log, metrics and consumer rate limits; the upstream learns it from the plugin's own
 * headers (X-User-ID), not from X-Consumer-*, which (as in Kong) only ever name declared consumers.
 */
export function adHocConsumer(id: string): Consumer {
  const c: Consumer = { id, username: id, customId: undefined, groups: [] };
  adHoc.add(c);
  return c;
}

/** Sets X-Consumer-* (declared consumers only) and X-Credential-Identifier upstream for the identity the request now runs as. */
export function setIdentityHeaders(ctx: Ctx, anonymous: boolean): void {
  const h: HeaderMap = ctx.upstreamHeaders;
  const c = ctx.consumer;
  if (c !== null && !adHoc.has(c)) {
    h['x-consumer-id'] = headerSafe(c.id);
    h['x-consumer-username'] = headerSafe(c.username);
    if (c.customId !== undefined) h['x-consumer-custom-id'] = headerSafe(c.customId);
    const groups = groupHeader.get(c);
    if (groups) h['x-consumer-groups'] = groups;
  }
  if (anonymous) h['x-anonymous-consumer'] = 'true';
  else {
    const cred = ctx.get(CREDENTIAL);
    if (cred !== undefined) h['x-credential-identifier'] = headerSafe(cred);
  }
}

// Visible ASCII, space, tab and latin-1: what node and undici accept in a header value.
const UNSAFE = /[^\t\x20-\x7e\x80-\xff]/;

/** A header value that cannot break the upstream request (claims come from tokens: never trust them). */
export function headerSafe(v: string): string {
  return UNSAFE.test(v) ? encodeURIComponent(v) : v;
}

/** Lower-cased, de-duplicated header names. */
export function headerNames(names: Iterable<string>): string[] {
  return [...new Set([...names].map((n) => n.toLowerCase()))];
}

/** The consumer index for a plugin env, shared by every auth plugin instance created from the same list. */
export function consumerIndex(env: PluginEnv): ConsumerIndex {
  let idx = indexes.get(env.consumers);
  if (!idx) {
    idx = new ConsumerIndex(env.consumers);
    indexes.set(env.consumers, idx);
  }
  return idx;
}
const indexes = new WeakMap<readonly ConsumerDecl[], ConsumerIndex>();

/**
 * Runs the request as the plugin's `anonymous` consumer (no credentials were sent) and remembers the plugin's
 * challenge, so a later 401 (acl) can tell the client how to authenticate on this route.
 */
export function asAnonymous(ctx: Ctx, consumer: Consumer, challenge: string): void {
  ctx.consumer = consumer;
  const prior = ctx.get(AUTH_CHALLENGES);
  ctx.set(AUTH_CHALLENGES, prior === undefined ? challenge : [...(typeof prior === 'string' ? [prior] : prior), challenge]);
}
