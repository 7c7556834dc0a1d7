import type { IncomingMessage } from 'node:http';
import type { Ctx, HeaderMap } from '../sdk/context.ts';
import type { Mirror } from '../upstream/split.ts';
import type { RouteTimeouts, Timeouts } from '../upstream/spec.ts';

/** Mirrored requests in flight per process; past this, copies are dropped rather than queued. */
const MAX_MIRRORS = 256;
let mirrorsInFlight = 0;

/**
 * Fire-and-forget copy of a request to the mirror service (only requests without a body or with a buffered
 * one). Sent on the next turn of the event loop, its answer read and dropped, its failures ignored: the real
 * request never waits for it nor sees it fail.
 */
export function sendMirror(m: Mirror, ctx: Ctx, body: Buffer | null, pathFor: (base: string) => string): void {
  if (m.fraction < 1 && Math.random() >= m.fraction) return;
  if (mirrorsInFlight >= MAX_MIRRORS) return;
  const method = ctx.method;
  const headers: HeaderMap = { ...ctx.upstreamHeaders };
  const query = ctx.upstreamQuery;
  mirrorsInFlight++;
  setImmediate(() => {
    const s = m.service;
    const t = s.pick(s.hashOf(ctx));
    if (t === undefined) {
      mirrorsInFlight--;
      return;
    }
    headers.host = t.hostHeader;
    const p = pathFor(t.basePath);
    t.pool
      .request({
        method,
        path: query === '' ? p : `${p}?${query}`,
        headers,
        body,
        headersTimeout: s.timeouts.firstByte,
        bodyTimeout: s.timeouts.idle,
      })
      .then((r) => r.body.dump())
      .catch(() => undefined)
      .finally(() => mirrorsInFlight--);
  });
}

/** Reads a whole (small, length-checked) request body. */
export async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Service timeouts with a route's overrides applied. */
export function mergeTimeouts(s: Timeouts, r: RouteTimeouts | null): Timeouts {
  if (r === null) return s;
  return {
    connect: r.connect ?? s.connect,
    firstByte: r.firstByte ?? s.firstByte,
    idle: r.idle ?? s.idle,
    total: r.total ?? s.total,
    queue: r.queue ?? s.queue,
  };
}

/** Adds a value to a response header that may repeat (Set-Cookie). */
export function appendHeader(h: HeaderMap, name: string, value: string): void {
  const cur = h[name];
  if (cur === undefined) h[name] = value;
  else h[name] = Array.isArray(cur) ? [...cur, value] : [cur, value];
}
