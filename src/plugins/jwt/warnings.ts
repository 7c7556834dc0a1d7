import type { Static } from '../../sdk/index.ts';
import type { schema } from './schema.ts';
import { MIN_HMAC_BYTES } from './algorithms.ts';
import { plainHttpToAnotherHost } from '../auth-common/urls.ts';

/** Valid but risky jwt configs, reported by `portico validate` and on load. */
export function jwtWarnings(config: Static<typeof schema>): string[] {
  const out: string[] = [];
  if (config.issuer === undefined && config.audiences === undefined) {
    out.push('checks neither issuer nor audiences: any token signed by these keys is accepted, whoever it was minted for');
  }
  if (config.secret !== undefined) {
    const weak = shortSecret(config.secret, config.algorithms);
    if (weak !== undefined) out.push(weak);
  }
  if (typeof config.clock_skew === 'number' && config.clock_skew > 300) {
    out.push(`clock_skew: a bare number is seconds: ${config.clock_skew} is ${(config.clock_skew / 3600).toFixed(1)} hours (write e.g. 30s)`);
  }
  if (config.jwks_uri !== undefined && plainHttpToAnotherHost(config.jwks_uri)) {
    out.push('jwks_uri uses plain http: keys fetched over it can be tampered with');
  }
  if (config.uri_param_names.length > 0 && !config.hide_credentials) {
    out.push('uri_param_names without hide_credentials forwards tokens upstream in the query string');
  }
  return out;
}

/**
 * A warning when `secret` is shorter than RFC 7518 §3.2 wants for the weakest HS algorithm allowed (a
 * 32-byte secret with HS512 also allowed is not flagged: that noise would hide the real case).
 */
export function shortSecret(secret: string, algorithms: readonly string[]): string | undefined {
  const bytes = Buffer.byteLength(secret);
  const hs = (['HS256', 'HS384', 'HS512'] as const).find((a) => algorithms.includes(a));
  if (hs === undefined || bytes >= MIN_HMAC_BYTES[hs]) return undefined;
  return `secret is ${bytes} bytes, shorter than RFC 7518 needs (${hs} ${MIN_HMAC_BYTES[hs]}): a short secret can be guessed offline from one token`;
}
