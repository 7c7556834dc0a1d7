/**
 * The compiled router. Construction does all the work (parse, validate, rank, index); `match` only
 * looks things up:
 *
 *   host index ─► exact host name → port → PathIndex   (`api.example.com`, `api.example.com:8443`)
 *              ─► wildcard suffix → port → PathIndex    (`*.example.com` under `.example.com`)
 *              ─► routes without hosts → PathIndex
 *   PathIndex  ─► exact-path map + segment trie (trie.ts)
 *   regex list ─► sorted by rank, tried only while a regex could still outrank the best trie
 *   candidate
 *
 * An entry sits in the index of each of its host patterns, so reaching it proves its host matched;
 * every other predicate is checked when the entry is reached. Priority rules are documented in
 * priority.ts.
 */
import type { CompiledRoute, Entry } from './entry.ts';
import { explainMatch } from './explain.ts';
import { compilePattern, decodeParam, regexParams, type PathKind } from './path-pattern.ts';
import {
  baseScore,
  compilePredicates,
  hostMatchKind,
  otherPredicatesPass,
  splitHost,
  type HostPattern,
} from './predicates.ts';
import { comparePriority } from './priority.ts';
import { Best, PathIndex } from './trie.ts';

export { normalizePath, type NormalizeResult } from './normalize.ts';
export type { PathKind } from './path-pattern.ts';

export interface RouteSpec<T> {
  name: string;
  /**
   * prefix `/v1/users`, exact `=/v1/health`, template `/v1/users/{id}`, regex `~^/v[0-9]+/items$`
   */
  paths: string[];
  /** upper-case */
  methods?: string[];
  /** exact `api.example.com` or wildcard `*.example.com`, optionally with `:port` */
  hosts?: string[];
  /** header name (case-insensitive) → exact value */
  headers?: Record<string, string>;
  /** query param → exact value of its first occurrence */
  query?: Record<string, string>;
  /** higher wins, overrides every implicit rule; default 0 */
  priority?: number;
  data: T;
}

export interface MatchInput {
  method: string;
  /** lower-case, may include `:port` */
  host: string;
  /** normalized (normalizePath) */
  path: string;
  /** lower-case names */
  headers: Record<string, string | string[] | undefined>;
  /** raw query string without the `?` */
  query: string;
}

export interface RouteMatch<T> {
  route: RouteSpec<T>;
  pattern: string;
  kind: PathKind;
  /** template `{name}`s and regex named groups, percent-decoded */
  params: Record<string, string>;
  /**
   * The path after the matched part, always '' or starting with '/': prefix → the path after the
   * prefix (for a prefix ending in '/', from that slash on, so `/v1/` on `/v1/a` gives `/a` and `/`
   * gives the whole path); exact and template → ''; regex → the path after the end of the regex
   * match.
   */
  rest: string;
}

export interface Explanation {
  winner: {
    route: string;
    pattern: string;
    kind: PathKind;
    params: Record<string, string>;
    rest: string;
  } | null;
  candidates: Array<{
    route: string;
    pattern: string | null;
    outcome: 'won' | 'lost' | 'no-match';
    reason: string;
  }>;
}

type HostIndex<T> = Map<string, Map<string, PathIndex<RouteSpec<T>>>>;

export class Router<T> {
  readonly size: number;
  private readonly compiled: Array<CompiledRoute<RouteSpec<T>>> = [];
  private readonly anyHost = new PathIndex<RouteSpec<T>>();
  private readonly exactHosts: HostIndex<T> = new Map();
  private readonly wildcardHosts: HostIndex<T> = new Map();
  private readonly regexes: Array<Entry<RouteSpec<T>>> = [];
  private readonly best = new Best<RouteSpec<T>>();

  constructor(routes: Array<RouteSpec<T>>) {
    this.size = routes.length;
    const all: Array<Entry<RouteSpec<T>>> = [];
    const names = new Set<string>();
    routes.forEach((spec, routeIndex) => {
      if (names.has(spec.name)) throw new Error(`duplicate route name "${spec.name}"`);
      names.add(spec.name);
      if (spec.paths.length === 0)
        throw new Error(`route "${spec.name}" has no paths (use "/" for all)`);
      if (spec.priority !== undefined && !Number.isFinite(spec.priority)) {
        throw new Error(`route "${spec.name}": priority must be a finite number`);
      }
      const patterns = spec.paths.map((p) => compilePattern(p, spec.name));
      const predicates = compilePredicates(spec.name, spec);
      const cr: CompiledRoute<RouteSpec<T>> = {
        route: spec,
        name: spec.name,
        patterns,
        predicates,
        entries: [],
      };
      const score = baseScore(predicates);
      const exact = predicates.hosts.filter((h) => !h.wildcard);
      const wild = predicates.hosts.filter((h) => h.wildcard);
      const variants: Array<[0 | 1 | 2, HostPattern[]]> =
        predicates.hosts.length === 0 ? [[0, []]] : [];
      if (exact.length > 0) variants.push([2, exact]);
      if (wild.length > 0) variants.push([1, wild]);
      patterns.forEach((pattern, patternIndex) => {
        for (const [hostKind, hosts] of variants) {
          const key = {
            route: spec.name,
            pattern: pattern.source,
            priority: spec.priority ?? 0,
            kind: pattern.kind,
            specificity: pattern.specificity,
            score: score + hostKind,
            routeIndex,
            patternIndex,
          };
          const checks = score > 0;
          const entry = {
            rank: -1,
            route: spec,
            pattern,
            predicates,
            checks,
            hostKind,
            hosts,
            key,
          };
          cr.entries.push(entry);
          all.push(entry);
        }
      });
      this.compiled.push(cr);
    });
    all.sort((a, b) => comparePriority(a.key, b.key));
    all.forEach((e, i) => (e.rank = i));
    const indexes = new Set<PathIndex<RouteSpec<T>>>([this.anyHost]);
    for (const e of all) {
      if (e.pattern.kind === 'regex') {
        this.regexes.push(e); // already in rank order
      } else if (e.hostKind === 0) {
        this.anyHost.add(e);
      } else {
        // dedupe: `hosts: [a.com, a.com]` must not add the entry twice to one index
        const seen = new Set<PathIndex<RouteSpec<T>>>();
        for (const h of e.hosts) {
          const index = indexFor(h.wildcard ? this.wildcardHosts : this.exactHosts, h.name, h.port);
          if (!seen.has(index)) index.add(e);
          seen.add(index);
          indexes.add(index);
        }
      }
    }
    for (const index of indexes) index.finish();
  }

  /** The best route for a request, or null (404). `input.path` must come from `normalizePath`. */
  match(input: MatchInput): RouteMatch<T> | null {
    const best = this.best;
    best.reset();
    const path = input.path;
    this.anyHost.collect(path, input, best);
    let name = input.host;
    let port = '';
    if (this.exactHosts.size > 0 || this.wildcardHosts.size > 0 || this.regexes.length > 0) {
      ({ name, port } = splitHost(input.host));
    }
    if (this.exactHosts.size > 0) collectHost(this.exactHosts.get(name), port, path, input, best);
    if (this.wildcardHosts.size > 0) {
      // every proper suffix starting at a dot: a.b.example.com → .b.example.com, .example.com, .com
      for (let i = name.indexOf('.', 1); i > 0; i = name.indexOf('.', i + 1)) {
        collectHost(this.wildcardHosts.get(name.slice(i)), port, path, input, best);
      }
    }
    for (const e of this.regexes) {
      if (e.rank >= best.rank) break; // sorted: nothing further down can win
      const m = (e.pattern.regex as RegExp).exec(path);
      if (m === null) continue;
      if (e.hostKind !== 0 && hostMatchKind(e.hosts, name, port) === 0) continue;
      if (e.checks && !otherPredicatesPass(e.predicates, input)) continue;
      best.take(e);
      best.regexMatch = m;
      break;
    }
    return best.entry === null ? null : this.result(best.entry, path);
  }

  /** Why each route did or did not win. Linear and allocating: for the admin API and debugging. */
  explain(input: MatchInput): Explanation {
    return explainMatch(this.compiled, input);
  }

  private result(e: Entry<RouteSpec<T>>, path: string): RouteMatch<T> {
    const p = e.pattern;
    let params: Record<string, string> = {};
    let rest = '';
    if (p.kind === 'prefix') {
      rest = path.slice(this.best.restStart);
    } else if (p.kind === 'template') {
      const b = this.best.bounds;
      for (let i = 0; i < p.paramNames.length; i++) {
        params[p.paramNames[i] as string] = decodeParam(path.slice(b[2 * i], b[2 * i + 1]));
      }
    } else if (p.kind === 'regex') {
      const m = this.best.regexMatch as RegExpExecArray;
      params = regexParams(m);
      rest = path.slice(m.index + m[0].length);
    }
    return { route: e.route, pattern: p.source, kind: p.kind, params, rest };
  }
}

function indexFor<T>(map: HostIndex<T>, name: string, port: string): PathIndex<RouteSpec<T>> {
  let byPort = map.get(name);
  if (byPort === undefined) map.set(name, (byPort = new Map()));
  let index = byPort.get(port);
  if (index === undefined) byPort.set(port, (index = new PathIndex()));
  return index;
}

// A host pattern without a port ('' key) matches any port; one with a port only that port.
function collectHost<T>(
  byPort: Map<string, PathIndex<RouteSpec<T>>> | undefined,
  port: string,
  path: string,
  input: MatchInput,
  best: Best<RouteSpec<T>>,
): void {
  if (byPort === undefined) return;
  byPort.get('')?.collect(path, input, best);
  if (port !== '') byPort.get(port)?.collect(path, input, best);
}
