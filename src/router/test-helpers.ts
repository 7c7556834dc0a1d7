// Shared builders for the router's unit tests (not part of the router itself).
import type { MatchInput, RouteSpec } from './router.ts';

/** A request to `path` on api.example.com, GET, no headers or query unless given. */
export function req(path: string, more: Partial<MatchInput> = {}): MatchInput {
  return { method: 'GET', host: 'api.example.com', path, headers: {}, query: '', ...more };
}

/** A route whose data is its own name. */
export function route(name: string, paths: string[], more: Partial<RouteSpec<string>> = {}): RouteSpec<string> {
  return { name, paths, data: name, ...more };
}
