import type { Static } from '@sinclair/typebox';
import type { schema } from './schema.ts';

/** `portico validate` advice for a key-auth config (kept apart from the plugin's code, which loads lazily). */
export function keyAuthWarnings(config: Static<typeof schema>): string[] {
  return config.key_in_query && !config.hide_credentials
    ? ['key_in_query without hide_credentials forwards API keys upstream in the query string']
    : [];
}
