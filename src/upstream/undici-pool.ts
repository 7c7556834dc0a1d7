import { createRequire } from 'node:module';
import type { Dispatcher as UndiciDispatcher, Pool as UndiciPool } from 'undici';

/**
 * undici's `Pool` class, loaded on its own. `import { Pool } from 'undici'` runs undici's index, which also
 * loads fetch, WebSocket, EventSource, the cache and mock agents and their Node internals: measured at ≈ 9 MB
 * of resident memory per process that a gateway never uses. undici 8 publishes no `exports` map, so its
 * `lib/` files are reachable; this is the same class the index re-exports (its types come from there).
 */
const load = createRequire(import.meta.url);

// The index also puts the promise API (request, stream, pipeline, upgrade, connect) on Dispatcher.prototype;
// without it `pool.request()` does not exist. Done here the same way, so it never depends on whether some
// other module happened to load the index first (health checks, mirroring and the auth clients use it).
const Dispatcher = load('undici/lib/dispatcher/dispatcher.js') as typeof UndiciDispatcher;
Object.assign(Dispatcher.prototype, load('undici/lib/api/index.js') as object);

export const Pool = load('undici/lib/dispatcher/pool.js') as typeof UndiciPool;
export type Pool = UndiciPool;
