import { createRequire } from 'node:module';
import type { Pool as UndiciPool } from 'undici';

/**
 * undici's `Pool` class, loaded on its own. `import { Pool } from 'undici'` runs undici's index, which also
 * loads fetch, WebSocket, EventSource, the cache and mock agents and their Node internals: measured at ≈ 9 MB
 * of resident memory per process that a gateway never uses. undici 8 publishes no `exports` map, so its
 * `lib/` files are reachable; this is the same class the index re-exports (its types come from there).
 */
const load = createRequire(import.meta.url);

export const Pool = load('undici/lib/dispatcher/pool.js') as typeof UndiciPool;
export type Pool = UndiciPool;
