/**
 * Bench "fastify + @fastify/jwt": the Node stack issue 3 compares Portico's jwt plugin with. A fastify
 * server that verifies the bearer token (HS256, same secret, issuer and audience as the Portico scenarios)
 * with @fastify/jwt, then proxies to the upstream with @fastify/reply-from (undici underneath).
 *
 * Usage: node bench/fastify-jwt.ts <upstream origin> [port]. Prints `LISTENING <port>` once bound.
 */
import Fastify from 'fastify';
import fastifyJwt from '@fastify/jwt';
import replyFrom from '@fastify/reply-from';
import { HS_SECRET, JWT_ISSUER, JWT_AUDIENCE } from './fixtures.ts';

const origin = process.argv[2];
if (!origin) throw new Error('usage: fastify-jwt.ts <upstream origin> [port]');

const app = Fastify({ logger: false });
await app.register(fastifyJwt, { secret: HS_SECRET, verify: { allowedIss: JWT_ISSUER, allowedAud: JWT_AUDIENCE, algorithms: ['HS256'] } });
await app.register(replyFrom, { base: origin, undici: { connections: 128, pipelining: 1 } });

app.all('/*', async (req, reply) => {
  try {
    await req.jwtVerify();
  } catch {
    return reply.code(401).send({ error: 'unauthorized' });
  }
  return reply.from(req.url);
});

const address = await app.listen({ port: Number(process.argv[3] ?? 0), host: '127.0.0.1' });
process.stdout.write(`LISTENING ${new URL(address).port}\n`);

function shutdown(): void {
  app.close().then(() => process.exit(0), () => process.exit(1));
  setTimeout(() => process.exit(0), 2_000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
