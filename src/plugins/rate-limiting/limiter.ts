import { setTimeout as sleep } from 'node:timers/promises';
import type { Ctx, HookResult, PluginLogger } from '../../sdk/index.ts';
import type { Clock } from '../../core/clock.ts';
import { ErrorCode } from '../../core/errors.ts';
import { summarize, type LimitSpec, type Outcome } from '../../store/algorithms.ts';
import type { MemoryStore } from '../../store/memory.ts';
import type { RedisStore } from '../../store/redis.ts';
import type { KeyFn } from './keys.ts';

export type OnStoreError = 'open' | 'closed' | 'local';

/** Everything a limiter needs, decided in create(). */
export interface LimiterParts {
  readonly id: string;
  readonly specs: readonly LimitSpec[];
  readonly key: KeyFn;
  readonly memory: MemoryStore;
  /** null for `store: memory`. */
  readonly redis: RedisStore | null;
  readonly redisPrefix: string;
  readonly onStoreError: OnStoreError;
  readonly delay: boolean;
  readonly headers: boolean;
  readonly message: string;
  readonly clock: Clock;
  readonly logger: PluginLogger;
}

/** Per-limit figures for the usage endpoint. */
export interface LimitUsage {
  readonly remaining: number;
  readonly resetMs: number;
}

/**
 * The hot path of the plugin: key → store → headers or 429. With the memory store it is synchronous and
 * returns no promise; with Redis it is one script call (auto-pipelined with concurrent requests).
 */
export class Limiter {
  private readonly p: LimiterParts;
  private readonly specs: readonly LimitSpec[];
  private readonly n: number;
  private readonly memPrefix: string;
  private readonly limitText: string[];
  /** The script's arguments after the keys: mode, now override, then 4 per limit. */
  private readonly argv: (string | number)[];
  private readonly peekArgv: (string | number)[];
  private readonly redisHead: string;
  private readonly redisTails: string[];

  constructor(p: LimiterParts) {
    this.p = p;
    this.specs = p.specs;
    this.n = p.specs.length;
    this.memPrefix = `${p.id}#${p.specs.map((s) => s.suffix).join(',')}|`;
    this.limitText = p.specs.map((s) => String(s.headerLimit));
    const perLimit = p.specs.flatMap((s) => [s.algo, s.limit, s.windowMs, s.param]);
    this.argv = [1, '', ...perLimit];
    this.peekArgv = [0, '', ...perLimit];
    // {hash tag}: every limit of one key on one slot, so one script can touch them all under Redis Cluster.
    this.redisHead = `${p.redisPrefix}rl:{${p.id}|`;
    this.redisTails = p.specs.map((s) => `}:${s.suffix}`);
  }

  onAccess(ctx: Ctx): HookResult | Promise<HookResult> {
    const key = this.p.key(ctx);
    const redis = this.p.redis;
    if (redis === null) return this.apply(ctx, this.p.memory.hit(this.memPrefix + key, this.specs, this.p.clock.now()));
    const pending = redis.run(this.args(key, this.argv));
    if (pending === null) return this.storeFailed(ctx, key);
    return pending.then(
      (r) => this.apply(ctx, summarize(r, this.n, 2)),
      () => this.storeFailed(ctx, key),
    );
  }

  /** Current figures per limit for `key`, without taking anything. */
  async peek(key: string): Promise<LimitUsage[]> {
    let r: ArrayLike<number>;
    let start = 0;
    const redis = this.p.redis;
    if (redis === null) {
      r = this.p.memory.peek(this.memPrefix + key, this.specs, this.p.clock.now());
    } else {
      const pending = redis.run(this.args(key, this.peekArgv));
      if (pending === null) throw new Error('the redis store is unavailable (cooling down)');
      r = await pending;
      start = 2;
    }
    const out: LimitUsage[] = [];
    for (let i = 0; i < this.n; i++) out.push({ remaining: r[start + 3 * i]!, resetMs: r[start + 3 * i + 2]! });
    return out;
  }

  private args(key: string, tail: readonly (string | number)[]): (string | number)[] {
    const n = this.n;
    const args = new Array<string | number>(1 + n + tail.length);
    args[0] = n;
    for (let i = 0; i < n; i++) args[1 + i] = this.redisHead + key + this.redisTails[i]!;
    for (let i = 0; i < tail.length; i++) args[1 + n + i] = tail[i]!;
    return args;
  }

  private apply(ctx: Ctx, o: Outcome): HookResult | Promise<HookResult> {
    const resetS = Math.ceil(o.resetMs / 1000);
    if (this.p.headers) {
      const h = ctx.responseHeaders;
      h['ratelimit-limit'] = this.limitText[o.index]!;
      h['ratelimit-remaining'] = String(o.remaining);
      h['ratelimit-reset'] = String(resetS);
    }
    if (o.allowed) {
      if (this.p.delay && o.delayMs >= 1) return sleep(o.delayMs);
      return undefined;
    }
    const retry = Math.max(1, Math.ceil(o.retryMs / 1000));
    if (this.p.headers && retry > resetS) ctx.responseHeaders['ratelimit-reset'] = String(retry);
    return ctx.replyError(429, ErrorCode.tooManyRequests, this.p.message, { 'retry-after': String(retry) });
  }

  private storeFailed(ctx: Ctx, key: string): HookResult | Promise<HookResult> {
    switch (this.p.onStoreError) {
      case 'open':
        return undefined;
      case 'closed':
        return ctx.replyError(503, ErrorCode.serviceUnavailable, 'rate limiting is unavailable; try again later', {
          'retry-after': '1',
        });
      case 'local':
        return this.apply(ctx, this.p.memory.hit(this.memPrefix + key, this.specs, this.p.clock.now()));
    }
  }
}
