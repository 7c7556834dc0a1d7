import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, type CryptoKey } from 'jose';

export type JwsAlg =
  | 'HS256' | 'HS384' | 'HS512'
  | 'RS256' | 'RS384' | 'RS512'
  | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'ES512'
  | 'EdDSA' | 'Ed25519';

/** An asymmetric test key pair: sign with `privateKey`, configure `spki` (PEM) or `jwk` (public JWK). */
export interface TestKey {
  alg: JwsAlg;
  kid: string;
  privateKey: CryptoKey;
  spki: string;
  jwk: JWK;
}

/** A fresh key pair for `alg` (RSA 2048; EdDSA is Ed25519). */
export async function testKey(alg: Exclude<JwsAlg, 'HS256' | 'HS384' | 'HS512'>, kid = `${alg.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}`): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, spki: await exportSPKI(publicKey), jwk };
}

/** Signs a JWT with jose. `key` is a TestKey or an HMAC secret string (then `alg` must be HS*). */
export async function sign(
  claims: JWTPayload,
  key: TestKey | { secret: string; alg: 'HS256' | 'HS384' | 'HS512'; kid?: string },
  header: Record<string, unknown> = {},
): Promise<string> {
  const alg = key.alg;
  const kid = 'kid' in key ? key.kid : undefined;
  const jwt = new SignJWT(claims).setProtectedHeader({ alg, ...(kid ? { kid } : {}), ...header });
  if ('secret' in key) return jwt.sign(new TextEncoder().encode(key.secret));
  return jwt.sign(key.privateKey);
}

/** A compact JWS built by hand (for alg none, key confusion and other tokens jose refuses to make). */
export function rawJwt(header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64(header)}.${b64(payload)}.${signature}`;
}

/** Seconds since the epoch, optionally shifted. */
export function nowS(offset = 0): number {
  return Math.floor(Date.now() / 1000) + offset;
}

export interface JwksServer {
  readonly url: string;
  /** Times the document was fetched. */
  readonly hits: () => number;
  /** Replace the served keys. */
  setKeys(keys: JWK[]): void;
  /** Answer with this status (e.g. 500) until reset with 200. */
  setStatus(status: number): void;
  close(): Promise<void>;
}

/** A real JWKS endpoint on 127.0.0.1:0. */
export async function startJwks(keys: JWK[]): Promise<JwksServer> {
  let current = keys;
  let status = 200;
  let hits = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    hits++;
    const body = status === 200 ? JSON.stringify({ keys: current }) : '{"error":"down"}';
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    hits: () => hits,
    setKeys: (k) => {
      current = k;
    },
    setStatus: (s) => {
      status = s;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
