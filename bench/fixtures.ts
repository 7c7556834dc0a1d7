// Credentials for the auth scenarios, generated once per bench run so the config and the load agree.
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';

export const HS_SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
export const JWT_ISSUER = 'https://bench.example';
export const JWT_AUDIENCE = 'bench';
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

function hs256(payload: object): string {
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', HS_SECRET).update(head).digest('base64url')}`;
}

let rsa: { publicPem: string; privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'] } | null = null;
function rsaKeys() {
  if (!rsa) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    rsa = { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
  }
  return rsa;
}

function rs256(payload: object): string {
  const head = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${head}.${sign('sha256', Buffer.from(head), rsaKeys().privateKey).toString('base64url')}`;
}

const claims = (i: number) => ({
  sub: `user-${i}`,
  iss: JWT_ISSUER,
  aud: JWT_AUDIENCE,
  scope: 'read write',
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 24 * 3600,
});

export const jwtPluginHs = () => ({
  jwt: { algorithms: ['HS256'], secret: HS_SECRET, issuer: JWT_ISSUER, audiences: [JWT_AUDIENCE] },
});
export const jwtPluginRs = () => ({
  jwt: { algorithms: ['RS256'], public_key: rsaKeys().publicPem, issuer: JWT_ISSUER, audiences: [JWT_AUDIENCE] },
});

/** `count` distinct bearer tokens (distinct `sub`). */
export function bearerTokens(alg: 'HS256' | 'RS256', count: number): Array<Record<string, string>> {
  const make = alg === 'HS256' ? hs256 : rs256;
  return Array.from({ length: count }, (_, i) => ({ authorization: `Bearer ${make(claims(i))}` }));
}

export const API_KEY = 'bench-api-key-000000000000000000000001';
export const keyAuthConsumers = () => ({
  consumers: [{ username: 'bench', id: 'bench-1', credentials: { 'key-auth': [{ key: API_KEY }] } }],
});
