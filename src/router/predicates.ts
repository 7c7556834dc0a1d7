/**
 * Non-path predicates of a route (hosts, methods, headers, query), compiled once. The boolean
 * checks run on the hot path; `predicateFailures` produces the human messages for `explain`.
 */

export interface HostPattern {
  source: string;
  /**
   * exact: the host name; wildcard: the suffix including its dot, `*.example.com` → `.example.com`
   */
  name: string;
  wildcard: boolean;
  /** '' when the pattern has no port and so matches any port */
  port: string;
}

export interface Predicates {
  hosts: HostPattern[];
  methods: Set<string> | null;
  headers: Array<[name: string, value: string]>;
  query: Array<[name: string, value: string]>;
}

export interface RequestFacts {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  query: string;
}

const HOST_LABELS =
  /^(?:\*\.)?(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;
const METHOD = /^[A-Z][A-Z0-9_-]*$/;

export function compileHost(source: string, route: string): HostPattern {
  const lower = source.toLowerCase();
  const { name, port } = splitHost(lower);
  const bad = (why: string) => new Error(`route "${route}": host ${JSON.stringify(source)} ${why}`);
  if (port !== '' && !/^\d{1,5}$/.test(port)) throw bad('has an invalid port');
  if (!HOST_LABELS.test(name) && !IPV6.test(name)) {
    throw bad('is not a host name (a `*.` wildcard may only lead: `*.example.com`)');
  }
  const wildcard = name.startsWith('*.');
  return { source, name: wildcard ? name.slice(1) : name, wildcard, port };
}

export function compilePredicates(
  route: string,
  spec: {
    hosts?: string[];
    methods?: string[];
    headers?: Record<string, string>;
    query?: Record<string, string>;
  },
): Predicates {
  const hosts = (spec.hosts ?? []).map((h) => compileHost(h, route));
  let methods: Set<string> | null = null;
  if (spec.methods && spec.methods.length > 0) {
    for (const m of spec.methods) {
      // HTTP methods are case-sensitive (RFC 9110 §9.1): `get` would silently never match, so
      // refuse it.
      if (!METHOD.test(m))
        throw new Error(`route "${route}": method ${JSON.stringify(m)} must be upper-case`);
    }
    methods = new Set(spec.methods);
  }
  const headers = Object.entries(spec.headers ?? {}).map(([k, v]): [string, string] => [
    k.toLowerCase(),
    v,
  ]);
  const query = Object.entries(spec.query ?? {});
  return { hosts, methods, headers, query };
}

/** Split `host[:port]` (also `[v6]:port`) without allocating when there is no port. */
export function splitHost(host: string): { name: string; port: string } {
  const colon = host.lastIndexOf(':');
  if (colon < 0 || host.indexOf(']', colon) >= 0) return { name: host, port: '' };
  if (host.charCodeAt(0) !== 0x5b /* [ */ && host.indexOf(':') !== colon)
    return { name: host, port: '' };
  return { name: host.slice(0, colon), port: host.slice(colon + 1) };
}

/** 2 when an exact host pattern matches, 1 for a wildcard one, 0 for none. */
export function hostMatchKind(hosts: HostPattern[], name: string, port: string): 0 | 1 | 2 {
  let kind: 0 | 1 | 2 = 0;
  for (const h of hosts) {
    if (h.port !== '' && h.port !== port) continue;
    if (!h.wildcard) {
      if (h.name === name) return 2;
    } else if (name.length > h.name.length && name.endsWith(h.name)) {
      kind = 1;
    }
  }
  return kind;
}

/** Everything but hosts (the host index or the caller checks those). */
export function otherPredicatesPass(p: Predicates, req: RequestFacts): boolean {
  if (p.methods !== null && !p.methods.has(req.method)) return false;
  for (const [name, want] of p.headers) {
    const got = req.headers[name];
    if (got === undefined) return false;
    if (typeof got === 'string' ? got !== want : !got.includes(want)) return false;
  }
  for (const [name, want] of p.query) if (firstQueryValue(req.query, name) !== want) return false;
  return true;
}

/**
 * Predicate score for priority rule 4, before the host part (which depends on the host matched).
 */
export function baseScore(p: Predicates): number {
  return (p.methods !== null ? 1 : 0) + p.headers.length + p.query.length;
}

function decodeQueryPart(s: string): string {
  const plus = s.includes('+') ? s.replaceAll('+', ' ') : s;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

/** The first value of `name` in a raw query string (`+` and percent-decoded); '' for `?flag`. */
export function firstQueryValue(query: string, name: string): string | undefined {
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    if (end > start) {
      const eq = query.indexOf('=', start);
      const keyEnd = eq >= 0 && eq < end ? eq : end;
      if (decodeQueryPart(query.slice(start, keyEnd)) === name) {
        return keyEnd === end ? '' : decodeQueryPart(query.slice(keyEnd + 1, end));
      }
    }
    start = end + 1;
  }
  return undefined;
}

/** Human reasons why the predicates fail, `[]` when they all pass. Not hot path. */
export function predicateFailures(p: Predicates, req: RequestFacts & { host: string }): string[] {
  const out: string[] = [];
  if (p.hosts.length > 0) {
    const { name, port } = splitHost(req.host);
    if (hostMatchKind(p.hosts, name, port) === 0) {
      out.push(`host ${req.host || '(none)'} not in [${p.hosts.map((h) => h.source).join(', ')}]`);
    }
  }
  if (p.methods !== null && !p.methods.has(req.method)) {
    out.push(`method ${req.method} not in [${[...p.methods].join(', ')}]`);
  }
  for (const [name, want] of p.headers) {
    const got = req.headers[name];
    if (got === undefined) out.push(`header ${name} missing`);
    else if (typeof got === 'string' ? got !== want : !got.includes(want)) {
      const shown =
        typeof got === 'string'
          ? JSON.stringify(got)
          : got.map((g) => JSON.stringify(g)).join(', ');
      out.push(`header ${name}: expected ${JSON.stringify(want)}, got ${shown}`);
    }
  }
  for (const [name, want] of p.query) {
    const got = firstQueryValue(req.query, name);
    if (got !== want) {
      out.push(
        `query ${name}: expected ${JSON.stringify(want)}, got ${got === undefined ? 'none' : JSON.stringify(got)}`,
      );
    }
  }
  return out;
}
