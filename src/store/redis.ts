import { Redis } from 'ioredis';
import type { PluginLogger } from '../sdk/plugin.ts';
import { RATE_LIMIT_LUA } from './redis-script.ts';
import { Cooldown, WarnThrottle } from './cooldown.ts';
import { redisCooldownCounter, redisErrorCounter } from './metrics.ts';

/** The top-level `store.redis` section, resolved. */
export interface RedisSettings {
  readonly url: string;
  readonly prefix: string;
  readonly timeoutMs: number;
}

/** Tuning for tests; production uses the defaults. */
export interface RedisStoreOptions {
  readonly failures?: number;
  readonly cooldownMs?: number;
  readonly warnEveryMs?: number;
}

type ScriptFn = (...args: (string | number)[]) => Promise<number[]>;

/**
 * A shared ioredis client that runs the rate-limit script. Fails fast: no offline queue (a command while
 * disconnected is refused at once), a command timeout equal to the store timeout, one retry at most; after
 * consecutive failures it is skipped for a cool-down (see Cooldown) and probes its way back by itself.
 * Warnings are logged at most once per interval, never per request.
 */
export class RedisStore {
  readonly settings: RedisSettings;
  readonly client: Redis;
  readonly cooldown: Cooldown;
  logger: PluginLogger | null = null;
  private readonly script: ScriptFn;
  private readonly throttle: WarnThrottle;
  private lastError = '';
  refs = 0;

  constructor(settings: RedisSettings, opts: RedisStoreOptions = {}) {
    this.settings = settings;
    this.cooldown = new Cooldown({ failures: opts.failures, cooldownMs: opts.cooldownMs });
    this.throttle = new WarnThrottle(opts.warnEveryMs ?? 10_000);
    this.client = new Redis(settings.url, {
      enableAutoPipelining: true,
      enableOfflineQueue: false,
      // Our own timeout (see withTimeout) decides; this backstop only frees ioredis' bookkeeping.
      commandTimeout: Math.max(1_000, settings.timeoutMs * 20),
      maxRetriesPerRequest: 1,
      // A rate-limit decision that comes late is worthless (the request went on under on_store_error):
      // never replay unanswered scripts on a new connection, where they would take tokens twice.
      autoResendUnfulfilledCommands: false,
      connectTimeout: Math.max(1_000, settings.timeoutMs * 20),
      // Keep reconnecting (bounded back-off) so the store comes back by itself.
      retryStrategy: (times) => Math.min(50 * times, 1_000),
    });
    // Errors surface per command (and in the throttled warning); an unhandled 'error' event would crash.
    this.client.on('error', (err: Error) => {
      this.lastError = err.message;
    });
    this.client.defineCommand('porticoRateLimit', { lua: RATE_LIMIT_LUA });
    const c = this.client as unknown as { porticoRateLimit: ScriptFn };
    this.script = c.porticoRateLimit.bind(this.client);
  }

  /** Waits until connected, at most `ms`; false when not connected by then (requests then use on_store_error). */
  ready(ms: number): Promise<boolean> {
    if (this.client.status === 'ready') return Promise.resolve(true);
    // One wait per client, not per plugin instance: N routes on a down Redis must not cost N seconds of
    // start-up, and a reload soon after a failed wait does not wait again.
    if (this.readyWait !== null) return this.readyWait;
    if (Date.now() - this.readyFailedAt < 10_000) return Promise.resolve(false);
    this.readyWait = this.waitReady(ms).then((ok) => {
      this.readyWait = null;
      if (!ok) this.readyFailedAt = Date.now();
      return ok;
    });
    return this.readyWait;
  }

  private readyWait: Promise<boolean> | null = null;
  private readyFailedAt = 0;

  private waitReady(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (v: boolean): void => {
        clearTimeout(t);
        this.client.off('ready', onReady);
        resolve(v);
      };
      const onReady = (): void => done(true);
      const t = setTimeout(() => done(false), ms);
      this.client.on('ready', onReady);
    });
  }

  /**
   * Runs the script with `args` (numkeys, keys..., argv...). Null when the store is cooling down; rejects
   * when the call fails (already counted and logged here).
   */
  run(args: (string | number)[]): Promise<number[]> | null {
    if (!this.cooldown.tryAcquire()) {
      redisCooldownCounter.inc();
      return null;
    }
    if (this.client.status !== 'ready') {
      this.failed(new Error(`redis not connected (${this.client.status}${this.lastError ? `: ${this.lastError}` : ''})`));
      return null;
    }
    return withTimeout(this.script(...args), this.settings.timeoutMs).then(this.ok, this.err);
  }

  private readonly ok = (r: number[]): number[] => {
    if (this.cooldown.success()) this.logger?.info({ store: 'redis' }, 'rate-limiting store recovered');
    return r;
  };

  private readonly err = (e: unknown): never => {
    this.failed(e);
    throw e;
  };

  private failed(e: unknown): void {
    redisErrorCounter.inc();
    const opened = this.cooldown.failure();
    if (opened && this.client.status === 'ready' && isTimeout(e)) {
      // Connected, yet nothing comes back (a host gone without a reset, a stalled link): ioredis keeps the
      // connection and would queue every later command on it. A fresh one tells whether Redis is there.
      this.logger?.warn({ store: 'redis' }, 'redis stopped answering on its connection; reconnecting');
      this.client.disconnect(true);
    }
    const held = this.throttle.take();
    if (held < 0 || this.logger === null) return;
    this.logger.warn(
      {
        store: 'redis',
        err: e instanceof Error ? e.message : String(e),
        suppressed: held,
        cooling_down: opened || this.cooldown.open,
      },
      'rate-limiting store failed; requests follow on_store_error (this warning repeats at most every 10s)',
    );
  }

  close(): Promise<void> {
    this.client.disconnect();
    return Promise.resolve();
  }
}

/** A command that got no answer in time (ours, or ioredis' commandTimeout backstop). */
export class RedisTimeout extends Error {}

function isTimeout(e: unknown): boolean {
  return e instanceof RedisTimeout || (e instanceof Error && e.message === 'Command timed out');
}

const shared = new Map<string, RedisStore>();

/** The process-wide client for these settings (one per url and timeout), reference counted. */
export function acquireRedis(settings: RedisSettings, logger: PluginLogger, opts?: RedisStoreOptions): RedisStore {
  const id = `${settings.url}\n${settings.timeoutMs}`;
  let s = shared.get(id);
  if (!s) {
    s = new RedisStore(settings, opts);
    shared.set(id, s);
  }
  s.refs++;
  s.logger = logger;
  return s;
}

/** Drops a reference; the last one disconnects the client. */
export async function releaseRedis(s: RedisStore): Promise<void> {
  if (--s.refs > 0) return;
  const id = `${s.settings.url}\n${s.settings.timeoutMs}`;
  if (shared.get(id) === s) shared.delete(id);
  await s.close();
}

/**
 * Fails `p` after `ms`, but only once the event loop has had a chance to read replies that already arrived:
 * under a burst the loop can be busy longer than the timeout while Redis answered in microseconds, and a
 * plain timer (ioredis' commandTimeout) would then fail calls that succeeded. The clock starts when the
 * command is written, and the check runs in a setImmediate after the timer, i.e. after the poll phase has
 * delivered pending socket data.
 */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | null = null;
    // ioredis auto-pipelining writes the command in a setImmediate; the clock starts once it is written,
    // not while a burst of requests is still being parsed in the same loop turn.
    setImmediate(() => {
      if (settled) return;
      timer = setTimeout(() => {
        setImmediate(() => {
          if (settled) return;
          settled = true;
          reject(new RedisTimeout(`redis did not answer within ${ms} ms`));
        });
      }, ms);
    });
    p.then(
      (v) => {
        if (settled) return;
        settled = true;
        if (timer !== null) clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        if (settled) return;
        settled = true;
        if (timer !== null) clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
