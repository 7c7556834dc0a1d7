import type { CompiledTable } from '../compile/table.ts';
import { normalizePath } from '../router/normalize.ts';
import { joinPath } from '../pipeline/paths.ts';

export interface ExplainInput {
  method: string;
  url: string;
  headers: Record<string, string>;
}

export interface ExplainResult {
  request: { method: string; host: string; path: string; query: string };
  route: string | null;
  upstream_url: string | null;
  plugins: Array<{ name: string; priority: number; scope: string }>;
  params: Record<string, string>;
  candidates: Array<{ route: string; pattern: string | null; outcome: string; reason: string }>;
  error?: string;
}

/**
 * Which route a request would take, where it would be sent, which plugins run in which order, and why every
 * other route lost. Pure: it reads the compiled table and sends nothing.
 */
export function explainRequest(table: CompiledTable, input: ExplainInput): ExplainResult {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers)) headers[k.toLowerCase()] = v;
  let url: URL;
  try {
    url = new URL(input.url, `http://${headers.host ?? 'localhost'}`);
  } catch {
    return empty(input, 'malformed URL');
  }
  const host = url.hostname.toLowerCase();
  headers.host ??= url.host;
  const method = input.method.toUpperCase();
  const rawPath = input.url.startsWith('/') ? input.url.split('?')[0]! : url.pathname;
  const norm = normalizePath(rawPath);
  const query = url.search.startsWith('?') ? url.search.slice(1) : '';
  if (!norm.ok) return { ...empty(input, `request refused with 400: ${norm.reason}`), request: { method, host, path: rawPath, query } };
  const mi = { method, host, path: norm.path, headers, query };
  const ex = table.router.explain(mi);
  const m = table.router.match(mi);
  const base = { request: { method, host, path: norm.path, query }, candidates: ex.candidates };
  if (m === null) return { ...base, route: null, upstream_url: null, plugins: [], params: {}, error: 'no route: 404' };
  const route = m.route.data;
  let upstream: string | null = null;
  const target = route.service?.targets[0];
  if (target) {
    const rest = route.stripPath ? m.rest : norm.path;
    upstream = `${target.origin}${joinPath(target.basePath, rest)}${query ? `?${query}` : ''}`;
  }
  const global = table.globalChain.members.filter((g) => !route.chain.members.some((r) => r.name === g.name));
  return {
    ...base,
    route: route.name,
    upstream_url: upstream,
    plugins: [...route.chain.members, ...global]
      .sort((a, b) => b.priority - a.priority)
      .map((p) => ({ name: p.name, priority: p.priority, scope: p.scope })),
    params: m.params,
  };
}

function empty(input: ExplainInput, error: string): ExplainResult {
  return {
    request: { method: input.method, host: '', path: input.url, query: '' },
    route: null,
    upstream_url: null,
    plugins: [],
    params: {},
    candidates: [],
    error,
  };
}
