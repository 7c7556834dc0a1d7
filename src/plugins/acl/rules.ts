import type { Consumer } from '../../sdk/index.ts';

/** An ACL decision: null to let the request through. */
export type Verdict = null | { readonly status: 401 | 403; readonly code: string; readonly message: string; readonly scope?: string };

export interface AclConfig {
  readonly allow?: readonly string[] | undefined;
  readonly deny?: readonly string[] | undefined;
  readonly scopes?: readonly string[] | Readonly<Record<string, readonly string[]>> | undefined;
}

const NONE: readonly string[] = [];

/** ACL rules compiled for lookups: sets for groups, a map from method to required scopes. */
export class AclRules {
  private readonly allow: ReadonlySet<string> | null;
  private readonly deny: ReadonlySet<string> | null;
  private readonly all: readonly string[] | null;
  private readonly byMethod: ReadonlyMap<string, readonly string[]> | null;
  /** Whether a request must have an identity at all (allow or scopes set). */
  readonly needsIdentity: boolean;

  constructor(c: AclConfig) {
    this.allow = c.allow ? new Set(c.allow) : null;
    this.deny = c.deny ? new Set(c.deny) : null;
    if (Array.isArray(c.scopes)) {
      this.all = c.scopes.length > 0 ? c.scopes : null;
      this.byMethod = null;
    } else if (c.scopes !== undefined) {
      const m = new Map(Object.entries(c.scopes as Record<string, readonly string[]>));
      // HEAD reads what GET reads.
      if (!m.has('HEAD') && m.has('GET')) m.set('HEAD', m.get('GET')!);
      this.all = null;
      this.byMethod = m;
    } else {
      this.all = null;
      this.byMethod = null;
    }
    this.needsIdentity = this.allow !== null || this.all !== null || this.byMethod !== null;
  }

  /** The scopes a method needs, or null. */
  scopesFor(method: string): readonly string[] | null {
    if (this.byMethod !== null) return this.byMethod.get(method) ?? this.byMethod.get('*') ?? null;
    return this.all;
  }

  /**
   * `authenticated`: an auth plugin verified the caller (an anonymous consumer is not). Failing checks are
   * 403 for an authenticated caller and 401 otherwise: proving who you are might still let you in.
   */
  check(
    method: string,
    consumer: Consumer | null,
    authenticated: boolean,
    scopes: readonly string[] | undefined,
    granted: readonly string[] = NONE,
  ): Verdict {
    if (!authenticated && consumer === null) {
      return this.needsIdentity ? { status: 401, code: 'unauthorized', message: 'authentication required' } : null;
    }
    const denied = authenticated ? 403 : 401;
    const own = consumer?.groups ?? NONE;
    const groups = granted.length === 0 ? own : [...own, ...granted];
    if (this.deny !== null) {
      for (const g of groups) if (this.deny.has(g)) return { status: denied, code: 'forbidden', message: 'access denied for this consumer group' };
    }
    if (this.allow !== null && !groups.some((g) => this.allow!.has(g))) {
      return { status: denied, code: 'forbidden', message: 'consumer is not in an allowed group' };
    }
    const required = this.scopesFor(method);
    if (required !== null) {
      for (const s of required) {
        if (scopes === undefined || !scopes.includes(s)) {
          return { status: denied, code: 'insufficient_scope', message: `missing scope "${s}"`, scope: required.join(' ') };
        }
      }
    }
    return null;
  }
}
