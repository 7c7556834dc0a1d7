import type { Static } from '../../sdk/index.ts';
import type { schema } from './schema.ts';
import { plainHttpToAnotherHost } from '../auth-common/urls.ts';

/** Valid but risky introspection configs, reported by `portico validate` and on load. */
export function introspectionWarnings(config: Static<typeof schema>): string[] {
  return plainHttpToAnotherHost(config.introspection_url)
    ? ['introspection_url uses plain http: the client secret and every token cross the network in clear']
    : [];
}
