import { Type } from '../../sdk/index.ts';

const TOKEN = "[A-Za-z0-9!#$%&'*+.^_`|~-]+";

/** An HTTP header name (RFC 9110 token). */
export const HeaderName = Type.String({ minLength: 1, pattern: `^${TOKEN}$` });

/** `word` in any letter case, as a regex fragment (JSON Schema patterns have no `i` flag). */
const anyCase = (word: string): string =>
  [...word].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join('');

// Headers that frame or route the message: set from a token claim or an auth answer they would break the
// request (a claim "cl": "0" as Content-Length) instead of telling the upstream who is calling.
const FRAMING = ['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade', 'expect'];

const IDENTITY_PATTERN = `^(?!(?:${FRAMING.map(anyCase).join('|')})$)(?!${anyCase('proxy-')})${TOKEN}$`;

/** A header the gateway sets upstream to carry an identity: any header name but Host, framing and hop-by-hop ones. */
export const identityHeader = (opts: { default?: string; description?: string } = {}) =>
  Type.String({
    minLength: 1,
    pattern: IDENTITY_PATTERN,
    description: 'a header name other than Host, Content-Length, Transfer-Encoding, Proxy-* and the hop-by-hop ones',
    ...opts,
  });
export const IdentityHeader = identityHeader();
