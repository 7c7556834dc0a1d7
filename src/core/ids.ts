import { randomUUID } from 'node:crypto';

/** A new request id (UUID v4; node's generator batches entropy so this is cheap). */
export function newRequestId(): string {
  return randomUUID();
}

// Sane = what we are willing to forward and log: bounded length, visible ASCII without separators that could
// split a log line or header.
const SANE_ID = /^[A-Za-z0-9._:@+=/-]{1,200}$/;

/** Whether a client-supplied request id is safe to keep. */
export function isSaneRequestId(value: string): boolean {
  return SANE_ID.test(value);
}
