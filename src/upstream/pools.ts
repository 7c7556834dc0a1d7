import { Pool } from 'undici';

/** Connection settings that make two pools interchangeable; a pool is reused across reloads only if equal. */
export interface PoolOptions {
  connectTimeout: number;
  /** Idle keep-alive before undici closes a pooled socket. Kept below typical upstream keep-alive (5s in node). */
  keepAliveTimeout: number;
  connections: number;
}

interface Entry {
  pool: Pool;
  refs: number;
}

/**
 * One undici `Pool` per target origin (+ options), kept across config reloads while the target is unchanged so
 * keep-alive sockets survive a reload. Tables acquire pools at compile time and release them when retired.
 */
export class PoolRegistry {
  private readonly pools = new Map<string, Entry>();

  acquire(origin: string, opts: PoolOptions): Pool {
    const key = `${origin}|${opts.connectTimeout}|${opts.keepAliveTimeout}|${opts.connections}`;
    let entry = this.pools.get(key);
    if (!entry) {
      const pool = new Pool(origin, {
        connections: opts.connections,
        pipelining: 1,
        connect: { timeout: opts.connectTimeout },
        keepAliveTimeout: opts.keepAliveTimeout,
        keepAliveMaxTimeout: Math.max(opts.keepAliveTimeout, 600_000),
        // Our own per-request timeouts are passed on dispatch; these are only the pool-wide fallbacks.
        headersTimeout: 300_000,
        bodyTimeout: 300_000,
        // Never let a response be larger than it says nor allow HTTP/1 pipelining surprises.
        strictContentLength: true,
      });
      entry = { pool, refs: 0 };
      this.pools.set(key, entry);
    }
    entry.refs++;
    return entry.pool;
  }

  release(pool: Pool): void {
    for (const [key, entry] of this.pools) {
      if (entry.pool !== pool) continue;
      entry.refs--;
      if (entry.refs <= 0) {
        this.pools.delete(key);
        entry.pool.close().catch(() => entry.pool.destroy().catch(() => undefined));
      }
      return;
    }
  }

  get size(): number {
    return this.pools.size;
  }

  async closeAll(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((e) => e.pool.close().catch(() => e.pool.destroy())));
  }
}
