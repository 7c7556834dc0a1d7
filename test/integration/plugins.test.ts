import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';
import { definePlugin, Type } from '../../src/sdk/index.ts';
import type { AccessRecord } from '../../src/sdk/index.ts';

const logged: AccessRecord[] = [];

/** Appends its name to X-Trace in every request phase and to the response. */
function tracer(name: string, priority: number) {
  return definePlugin({
    name,
    priority,
    schema: Type.Object({}, { additionalProperties: false }),
    create() {
      const add = (h: Record<string, string | string[]>, k: string) => {
        h[k] = h[k] ? `${String(h[k])},${name}` : name;
      };
      return {
        onAccess: (ctx) => add(ctx.upstreamHeaders, 'x-trace-access'),
        onUpstreamRequest: async (ctx) => {
          await new Promise((r) => setImmediate(r)); // an async hook in the middle of sync ones
          add(ctx.upstreamHeaders, 'x-trace-upstream');
        },
        onResponseHeaders: (_ctx, res) => add(res.headers, 'x-trace-response'),
      };
    },
  });
}

const tagger = definePlugin({
  name: 'tagger',
  priority: 500,
  schema: Type.Object({ tag: Type.String() }, { additionalProperties: false }),
  create(config) {
    return {
      onUpstreamRequest(ctx) {
        ctx.upstreamHeaders['x-tag'] = config.tag;
      },
    };
  },
});

const fakeAuth = definePlugin({
  name: 'fake-auth',
  priority: 1000,
  schema: Type.Object({}, { additionalProperties: false }),
  create(_c, env) {
    const byName = new Map(env.consumers.map((c) => [c.username, c]));
    return {
      onAccess(ctx) {
        const user = ctx.headers['x-user'];
        const c = typeof user === 'string' ? byName.get(user) : undefined;
        if (!c) return ctx.replyError(401, 'unauthorized', 'who are you?', { 'www-authenticate': 'Fake' });
        ctx.consumer = { id: c.id, username: c.username, groups: c.groups };
      },
    };
  },
});

const decorator = definePlugin({
  name: 'decorator',
  priority: 1,
  schema: Type.Object({}, { additionalProperties: false }),
  create() {
    return {
      onResponseHeaders(_ctx, res) {
        res.headers['x-decorated'] = res.fromUpstream ? 'upstream' : 'local';
      },
      onLog(_ctx, record) {
        logged.push(record);
      },
    };
  },
});

const thrower = definePlugin({
  name: 'thrower',
  priority: 700,
  schema: Type.Object({}, { additionalProperties: false }),
  create() {
    return {
      onAccess() {
        throw new Error('boom');
      },
    };
  },
});

let up: FakeUpstream;
let gw: TestGateway;

before(async () => {
  up = await startUpstream();
  gw = await startGateway(
    `
services:
  - name: a
    url: ${up.url}
    plugins:
      tagger: { tag: service }
  - name: b
    url: ${up.url}
routes:
  - name: r1
    paths: [/r1]
    service: a
    plugins:
      tagger: { tag: route }
      trace-low: {}
      trace-high: {}
      trace-mid: {}
  - { name: r2, paths: [/r2], service: a }
  - { name: r3, paths: [/r3], service: b }
  - name: authed
    paths: [/authed]
    service: b
    plugins:
      fake-auth: {}
      decorator: {}
  - name: terminated
    paths: [/down]
    plugins:
      request-termination: { status: 503, message: "down for maintenance" }
      decorator: {}
  - name: raw-terminated
    paths: [/teapot]
    plugins:
      request-termination: { status: 418, body: "short and stout", content_type: text/plain }
  - name: small
    paths: [/small]
    service: b
    plugins:
      request-size-limiting: { max_body_size: 1kb }
  - name: broken
    paths: [/broken]
    service: b
    plugins:
      thrower: {}
      decorator: {}
consumers:
  - username: alice
    id: u1
  - username: bob
    id: u2
    plugins:
      tagger: { tag: consumer-bob }
plugins:
  tagger: { tag: global }
`,
    {
      plugins: [tracer('trace-low', 10), tracer('trace-high', 5000), tracer('trace-mid', 600), tagger, fakeAuth, decorator, thrower],
    },
  );
});
after(async () => {
  await gw.stop();
  await up.close();
});

async function call(path: string, opts: Parameters<typeof request>[1] = {}) {
  const r = await request(`${gw.url}${path}`, opts);
  const text = await r.body.text();
  return { status: r.statusCode, headers: r.headers, text };
}

test('hooks run in priority order (higher first) in every phase, sync and async alike', async () => {
  const r = await call('/r1');
  assert.equal(r.status, 200);
  const seen = up.seen.at(-1)!.headers;
  assert.equal(seen['x-trace-access'], 'trace-high,trace-mid,trace-low');
  assert.equal(seen['x-trace-upstream'], 'trace-high,trace-mid,trace-low');
  assert.equal(r.headers['x-trace-response'], 'trace-high,trace-mid,trace-low');
});

test('narrowest scope wins: route > service > global', async () => {
  await call('/r1');
  assert.equal(up.seen.at(-1)!.headers['x-tag'], 'route');
  await call('/r2');
  assert.equal(up.seen.at(-1)!.headers['x-tag'], 'service');
  await call('/r3');
  assert.equal(up.seen.at(-1)!.headers['x-tag'], 'global');
});

test('consumer scope is the narrowest: applies once auth has set the consumer', async () => {
  await call('/authed', { headers: { 'x-user': 'alice' } });
  assert.equal(up.seen.at(-1)!.headers['x-tag'], 'global');
  await call('/authed', { headers: { 'x-user': 'bob' } });
  assert.equal(up.seen.at(-1)!.headers['x-tag'], 'consumer-bob');
});

test('an early reply skips the upstream but still gets onResponseHeaders and onLog', async () => {
  const before = up.seen.length;
  logged.length = 0;
  const r = await call('/authed');
  assert.equal(r.status, 401);
  assert.equal(r.headers['www-authenticate'], 'Fake');
  assert.equal(r.headers['x-decorated'], 'local');
  assert.equal(JSON.parse(r.text).error, 'unauthorized');
  assert.equal(up.seen.length, before);
  await new Promise((res) => setTimeout(res, 20));
  assert.equal(logged.at(-1)?.status, 401);
  assert.equal(logged.at(-1)?.route, 'authed');
});

test('request-termination answers with its status and JSON message', async () => {
  const r = await call('/down');
  assert.equal(r.status, 503);
  const body = JSON.parse(r.text);
  assert.equal(body.message, 'down for maintenance');
  assert.equal(typeof body.error, 'string');
  assert.equal(body.request_id, r.headers['x-request-id']);
  assert.equal(r.headers['x-decorated'], 'local');
});

test('request-termination with a raw body and content type', async () => {
  const r = await call('/teapot');
  assert.equal(r.status, 418);
  assert.equal(r.text, 'short and stout');
  assert.equal(r.headers['content-type'], 'text/plain');
});

test('request-size-limiting: per-route limit with Content-Length and chunked', async () => {
  assert.equal((await call('/small', { method: 'POST', body: 'x'.repeat(1000) })).status, 200);
  const big = await call('/small', { method: 'POST', body: 'x'.repeat(2000) });
  assert.equal(big.status, 413);
  assert.equal(JSON.parse(big.text).error, 'payload_too_large');
  async function* chunks() {
    for (let i = 0; i < 5; i++) yield Buffer.alloc(512, 1);
  }
  assert.equal((await call('/small', { method: 'POST', body: Readable.from(chunks()) })).status, 413);
  // Other routes keep the global limit.
  assert.equal((await call('/r3', { method: 'POST', body: 'x'.repeat(2000) })).status, 200);
});

test('a throwing plugin → 500 PLUGIN_ERROR, and later hooks still decorate the reply', async () => {
  const before = up.seen.length;
  const r = await call('/broken');
  assert.equal(r.status, 500);
  assert.equal(JSON.parse(r.text).error, 'PLUGIN_ERROR');
  assert.equal(r.headers['x-decorated'], 'local');
  assert.equal(up.seen.length, before);
});
