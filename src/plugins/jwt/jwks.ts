import type { Clock } from '../../core/clock.ts';
import type { PluginLogger } from '../../sdk/index.ts';
import type { Alg } from './algorithms.ts';
import { jwkEntry, type KeyEntry } from './keys.ts';

export interface JwksOptions {
  readonly uri: string;
  /** Least time between two fetches caused by unknown `kid`s (and between background retries after a failure). */
  readonly minRefreshMs: number;
  /** Age after which the set is refreshed in the background (the current set keeps serving meanwhile). */
  readonly cacheTtlMs: number;
  readonly timeoutMs: number;
  readonly algorithms: ReadonlySet<Alg>;
}

const MAX_JWKS_BYTES = 1024 * 1024;

/**
 * A remote JWKS, fetched without blocking startup and cached. Unknown `kid`s trigger a refetch at most once
 * per `minRefreshMs` (the first one at once, whenever the set was last fetched); a set older than the cache
 * TTL is refetched before the next token is judged. A failed fetch keeps the last good set. `version`
 * changes whenever the set does, so verified-token caches can drop tokens whose key was removed.
 */
export class JwksSet {
  version = 0;
  private byKid = new Map<string, KeyEntry>();
  private all: readonly KeyEntry[] = [];
  private loaded = false;
  private lastBody = '';
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private kidRefetchAt = Number.NEGATIVE_INFINITY;
  /** The last fetch failed: the endpoint is not waited for until one succeeds again. */
  private failing = false;
  private pending: Promise<void> | null = null;
  private readonly opts: JwksOptions;
  private readonly clock: Clock;
  private readonly logger: PluginLogger;

  constructor(opts: JwksOptions, clock: Clock, logger: PluginLogger) {
    this.opts = opts;
    this.clock = clock;
    this.logger = logger;
  }

  /** Starts the first fetch (create() does not wait for it; the first requests do). */
  start(): void {
    if (!this.loaded && this.pending === null) void this.refresh();
  }

  /** The key with this kid, if the set has it. A Map lookup only: junk kids cost nothing. */
  get(kid: string): KeyEntry | undefined {
    return this.byKid.get(kid);
  }

  /** Every key (for tokens without a kid). */
  keys(): readonly KeyEntry[] {
    return this.all;
  }

  /** Whether a key set was ever fetched (a failing endpoint since the start leaves it false). */
  get ready(): boolean {
    return this.loaded;
  }

  /** The fetch to wait for before the first verification, or null once a set is loaded (or failed). */
  waitFirst(): Promise<void> | null {
    return this.loaded ? null : this.pending;
  }

  /**
   * Called per token (cached ones too): once the set is older than the cache TTL it is refetched, and the
   * fetch is returned to wait for, so a key removed from the set stops working from the first token judged
   * after the TTL. While the endpoint is failing the retries run in the background (the last good set serves)
   * and the next one waits min(cache TTL, min refresh): a down endpoint is neither asked per request nor
   * stalls every request.
   */
  tick(): Promise<void> | null {
    const now = this.clock.monotonic();
    if (now - this.fetchedAt < this.opts.cacheTtlMs) return null;
    if (this.pending === null) {
      if (now - this.attemptedAt < Math.min(this.opts.minRefreshMs, this.opts.cacheTtlMs)) return null;
      void this.refresh();
    }
    return this.failing ? null : this.pending;
  }

  /** An unknown kid: a refetch to wait for, or null when an unknown kid caused one less than `minRefreshMs` ago. */
  refetchForUnknownKid(): Promise<void> | null {
    if (this.pending !== null) return this.pending;
    const now = this.clock.monotonic();
    if (now - this.kidRefetchAt < this.opts.minRefreshMs) return null;
    this.kidRefetchAt = now;
    return this.refresh();
  }

  private refresh(): Promise<void> {
    this.attemptedAt = this.clock.monotonic();
    const p = this.fetchOnce().then(
      () => {
        this.pending = null;
        this.failing = false;
      },
      (err: unknown) => {
        this.pending = null;
        this.failing = true;
        this.logger.warn({ jwks_uri: this.opts.uri, err: (err as Error).message }, 'JWKS fetch failed; keeping the last good key set');
      },
    );
    this.pending = p;
    return p;
  }

  private async fetchOnce(): Promise<void> {
    // Loaded on first use: undici's full index costs ≈ 9 MB per process (see upstream/undici-pool.ts) and
    // only gateways with a jwks_uri need its request().
    const { request } = await import('undici');
    const res = await request(this.opts.uri, {
      method: 'GET',
      headers: { accept: 'application/json, application/jwk-set+json' },
      headersTimeout: this.opts.timeoutMs,
      bodyTimeout: this.opts.timeoutMs,
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of res.body as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > MAX_JWKS_BYTES) {
        res.body.destroy();
        throw new Error('JWKS document larger than 1 MB');
      }
      chunks.push(c);
    }
    if (res.statusCode !== 200) throw new Error(`JWKS endpoint answered ${res.statusCode}`);
    const body = Buffer.concat(chunks).toString('utf8');
    this.fetchedAt = this.clock.monotonic();
    if (this.loaded && body === this.lastBody) return;
    const doc: unknown = JSON.parse(body);
    const list = (doc as { keys?: unknown }).keys;
    if (!Array.isArray(list)) throw new Error('JWKS document has no "keys" array');
    const byKid = new Map<string, KeyEntry>();
    const all: KeyEntry[] = [];
    for (const jwk of list) {
      const e = jwkEntry(jwk, this.opts.algorithms);
      if (typeof e === 'string') {
        this.logger.warn({ jwks_uri: this.opts.uri, reason: e }, 'JWKS key skipped');
        continue;
      }
      all.push(e);
      if (e.kid !== undefined) byKid.set(e.kid, e);
    }
    this.byKid = byKid;
    this.all = all;
    this.lastBody = body;
    this.loaded = true;
    this.version++;
  }
}

interface Shared {
  set: JwksSet;
  refs: number;
}
const shared = new Map<string, Shared>();

/**
 * One JwksSet per URI and settings in the process, shared by every scope and kept across reloads (the next
 * config's instances acquire it before the old ones release it), so a reload does not refetch keys.
 */
export function acquireJwks(opts: JwksOptions, clock: Clock, logger: PluginLogger): { set: JwksSet; release(): void } {
  const key = JSON.stringify([opts.uri, opts.minRefreshMs, opts.cacheTtlMs, opts.timeoutMs, [...opts.algorithms].sort()]);
  let s = shared.get(key);
  if (!s) {
    s = { set: new JwksSet(opts, clock, logger), refs: 0 };
    shared.set(key, s);
  }
  s.refs++;
  s.set.start();
  let released = false;
  return {
    set: s.set,
    release: () => {
      if (released) return;
      released = true;
      if (--s.refs === 0) shared.delete(key);
    },
  };
}
