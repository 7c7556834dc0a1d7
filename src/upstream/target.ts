import type { Pool } from 'undici';

/** One upstream instance of a service. */
export interface Target {
  /** `http://host:port` */
  readonly origin: string;
  /** Path prefix from the service or target URL ('' for none), without a trailing slash. */
  readonly basePath: string;
  /** host[:port] as sent in Host when preserve_host is off. */
  readonly hostHeader: string;
  readonly weight: number;
  readonly pool: Pool;
  /** A label for logs and metrics: the target URL. */
  readonly label: string;
}

/** Split a service/target URL into origin and base path (trailing slash removed). */
export function splitUrl(raw: string): { origin: string; basePath: string; host: string } {
  const u = new URL(raw);
  let basePath = u.pathname;
  while (basePath.endsWith('/')) basePath = basePath.slice(0, -1);
  return { origin: u.origin, basePath, host: u.host };
}
