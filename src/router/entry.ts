/**
 * The compiled units the router works with. One `Entry` per (route, path pattern, host variant): a
 * route with both exact and wildcard hosts gets two entries per pattern because the host kind it
 * matched changes its rank (priority rule 4), and ranks are fixed at compile time.
 */
import type { CompiledPattern } from './path-pattern.ts';
import type { HostPattern, Predicates } from './predicates.ts';
import type { PriorityKey } from './priority.ts';

export interface Entry<R> {
  /** position in the global priority order, 0 = best; compared as an integer on the hot path */
  rank: number;
  route: R;
  pattern: CompiledPattern;
  predicates: Predicates;
  /**
   * false when the route has no method/header/query predicate: skips the call (and its cache lines)
   */
  checks: boolean;
  /** 0: the route has no hosts; 1: the wildcard-host variant; 2: the exact-host variant */
  hostKind: 0 | 1 | 2;
  /** the host patterns of this variant (empty for hostKind 0) */
  hosts: HostPattern[];
  key: PriorityKey;
}

export interface CompiledRoute<R> {
  route: R;
  name: string;
  patterns: CompiledPattern[];
  predicates: Predicates;
  entries: Array<Entry<R>>;
}
