import type { Gateway } from '../runtime/gateway.ts';
import { consumerUsage } from './usage.ts';
import { upstreamEndpoints } from './upstreams.ts';

/** A JSON answer from an admin extension endpoint. */
export interface AdminAnswer {
  status: number;
  body: unknown;
}

/** A request to an admin extension endpoint; `params` are the named groups of its pattern. */
export interface AdminCall {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  body: unknown;
}

/**
 * An admin endpoint contributed by a feature (e.g. `/upstreams`, `/consumers/{id}/usage`). It runs inside the
 * gateway process that owns the state; under `--workers` the primary forwards the call to a worker.
 */
export interface AdminExtension {
  readonly method: string;
  /** Anchored pattern on the path, with named groups for params, e.g. /^\/consumers\/(?<id>[^/]+)\/usage$/. */
  readonly pattern: RegExp;
  handle(gw: Gateway, call: AdminCall): AdminAnswer | Promise<AdminAnswer>;
}

/** Every extension endpoint. Features append theirs here (one line each). */
export const adminExtensions: AdminExtension[] = [consumerUsage, ...upstreamEndpoints];

/** Finds the extension for a method and path. */
export function findExtension(method: string, path: string): { ext: AdminExtension; params: Record<string, string> } | null {
  for (const ext of adminExtensions) {
    if (ext.method !== method) continue;
    const m = ext.pattern.exec(path);
    if (m) return { ext, params: { ...(m.groups ?? {}) } };
  }
  return null;
}

/** Runs an extension call against a gateway (in its own process). */
export async function runExtension(gw: Gateway, method: string, path: string, query: string, body: unknown): Promise<AdminAnswer | null> {
  const found = findExtension(method, path);
  if (!found) return null;
  return found.ext.handle(gw, { method, path, query: new URLSearchParams(query), params: found.params, body });
}
