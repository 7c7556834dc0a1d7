import type { IncomingMessage } from 'node:http';
import { BodyTooLarge } from './errors.ts';

/** Counts request body bytes as they stream upstream. */
export interface BodyCounter {
  bytes: number;
}

/**
 * A chunked request body (no Content-Length, so its size is unknown up front) streamed upstream through a
 * counter that fails the upstream request with 413 as soon as it passes `limit`. Requests with a
 * Content-Length are checked before dispatch and streamed as-is (node's parser enforces the length).
 */
export async function* limitedBody(
  req: IncomingMessage,
  limit: number,
  counter: BodyCounter,
): AsyncGenerator<Buffer, void, undefined> {
  for await (const chunk of req as AsyncIterable<Buffer>) {
    counter.bytes += chunk.length;
    if (counter.bytes > limit) {
      throw new BodyTooLarge(limit);
    }
    yield chunk;
  }
}
