import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';
import { definePlugin, Type, CREDENTIAL } from '../../src/sdk/index.ts';

/** Sets the consumer named by X-User (and a credential id); no X-User → anonymous, the request continues. */
const testAuth = definePlugin({
  name: 'test-auth',
  priority: 1500,
  schema: Type.Object({}, { additionalProperties: false }),
  create(_c, env) {
    const byName = new Map(env.consumers.map((c) => [c.username, c]));
    return {
      onAccess(ctx) {
        const c = byName.get(String(ctx.headers['x-user'] ?? ''));
        if (!c) return;
        ctx.consumer = { id: c.id, username: c.username, groups: c.groups };
        ctx.set(CREDENTIAL, `test:${c.username}`);
      },
    };
  },
});

let up: FakeUpstream;
let gw: TestGateway;

const rl = (body: string) => `{ test-auth: {}, rate-limiting: ${body} }`;
const CONFIG = `
services:
  - { name: s, url: "${'$'}{UP}" }
consumers:
  - { username: alice, id: c-alice }
  - { username: bob, id: c-bob }
routes:
  - { name: fixed, paths: [/fixed], service: s, plugins: { rate-limiting: { limits: [{ limit: 3, window: 1d }], algorithm: fixed-window, key: [ip] } } }
  - { name: per-consumer, paths: [/pc], service: s, plugins: ${rl('{ limits: [{ limit: 2, window: 1d }], algorithm: fixed-window }')} }
  - { name: composed, paths: ["/items/{id}"], service: s, plugins: ${rl('{ limits: [{ limit: 1, window: 1d }], algorithm: fixed-window, key: [consumer, path_param:id] }')} }
  - { name: tenant, paths: [/tenant], service: s, plugins: { rate-limiting: { limits: [{ limit: 1, window: 1d }], key: ["header:X-Tenant"] } } }
  - { name: multi, paths: [/multi], service: s, plugins: { rate-limiting: { limits: [{ limit: 100, window: 1d }, { limit: 2, window: 1h }], algorithm: sliding-window, key: [global] } } }
  - { name: leaky, paths: [/leaky], service: s, plugins: { rate-limiting: { limits: [{ limit: 1, window: 1m }], algorithm: leaky-bucket, key: [global] } } }
  - { name: delayed, paths: [/delayed], service: s, plugins: { rate-limiting: { limits: [{ limit: 20, window: 1s }], algorithm: leaky-bucket, delay: true, max_delay: 2s, key: [global] } } }
  - { name: tokens, paths: [/tokens], service: s, plugins: { rate-limiting: { limits: [{ limit: 1, window: 1h }], algorithm: token-bucket, burst: 2, key: [global], hide_client_headers: true } } }
  - { name: quota, paths: [/quota], service: s, plugins: ${rl('{ limits: [{ limit: 1000, window: 30d }, { limit: 5, window: 1m }], algorithm: fixed-window, key: [consumer, route] }')} }
`;

before(async () => {
  up = await startUpstream();
  gw = await startGateway(CONFIG, { plugins: [testAuth], env: { UP: up.url } });
});
after(async () => {
  await gw.stop();
  await up.close();
});

async function call(path: string, headers: Record<string, string> = {}) {
  const r = await request(`${gw.url}${path}`, { headers });
  const text = await r.body.text();
  return { status: r.statusCode, headers: r.headers, text };
}

function rateHeaders(r: { headers: Record<string, unknown> }) {
  return ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'].map((h) => r.headers[h]);
}

test('allowed responses carry RateLimit-*; the refused one is 429 + Retry-After + JSON, and never reaches the upstream', async () => {
  const seen = up.seen.length;
  const rs = [];
  for (let i = 0; i < 4; i++) rs.push(await call('/fixed'));
  assert.deepEqual(rs.map((r) => r.status), [200, 200, 200, 429]);
  assert.deepEqual(rs.map((r) => r.headers['ratelimit-remaining']), ['2', '1', '0', '0']);
  for (const r of rs) assert.equal(r.headers['ratelimit-limit'], '3');
  const reset = Number(rs[0]!.headers['ratelimit-reset']);
  assert.ok(Number.isInteger(reset) && reset >= 0 && reset <= 86_400, String(reset));
  const refused = rs[3]!;
  const retry = Number(refused.headers['retry-after']);
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 86_400, String(retry));
  assert.ok(Number(refused.headers['ratelimit-reset']) >= retry);
  const body = JSON.parse(refused.text);
  assert.equal(body.error, 'too_many_requests');
  assert.equal(body.message, 'API rate limit exceeded');
  assert.equal(body.request_id, refused.headers['x-request-id']);
  assert.equal(up.seen.length, seen + 3);
});

test('keyed by consumer: each consumer has its own count; anonymous requests fall back to the client IP', async () => {
  const statuses = async (h: Record<string, string>) => [(await call('/pc', h)).status, (await call('/pc', h)).status, (await call('/pc', h)).status];
  assert.deepEqual(await statuses({ 'x-user': 'alice' }), [200, 200, 429]);
  assert.deepEqual(await statuses({ 'x-user': 'bob' }), [200, 200, 429]);
  assert.deepEqual(await statuses({}), [200, 200, 429]);
});

test('composed keys: consumer × path param; header keys', async () => {
  const alice = { 'x-user': 'alice' };
  assert.equal((await call('/items/1', alice)).status, 200);
  assert.equal((await call('/items/1', alice)).status, 429);
  assert.equal((await call('/items/2', alice)).status, 200);
  assert.equal((await call('/items/1', { 'x-user': 'bob' })).status, 200);
  assert.equal((await call('/tenant', { 'x-tenant': 'acme' })).status, 200);
  assert.equal((await call('/tenant', { 'x-tenant': 'acme' })).status, 429);
  assert.equal((await call('/tenant', { 'x-tenant': 'globex' })).status, 200);
  assert.equal((await call('/tenant')).status, 200, 'no header: counted by IP');
  assert.equal((await call('/tenant')).status, 429);
});

test('several limits: headers describe the tightest; the refusal names the limit that refused', async () => {
  const a = await call('/multi');
  assert.deepEqual(rateHeaders(a).slice(0, 2), ['2', '1']);
  await call('/multi');
  const c = await call('/multi');
  assert.equal(c.status, 429);
  assert.deepEqual(rateHeaders(c).slice(0, 2), ['2', '0']);
  assert.ok(Number(c.headers['retry-after']) >= 1);
});

test('leaky-bucket refuses ahead of schedule; with delay: true it holds requests instead', async () => {
  assert.equal((await call('/leaky')).status, 200);
  const r = await call('/leaky');
  assert.equal(r.status, 429);
  assert.equal(r.headers['retry-after'], '60');
  const results = await Promise.all([1, 2, 3, 4, 5].map(() => call('/delayed')));
  assert.deepEqual(results.map((x) => x.status), [200, 200, 200, 200, 200]);
});

test('token-bucket with hidden headers: only Retry-After on the 429', async () => {
  const rs = [await call('/tokens'), await call('/tokens'), await call('/tokens')];
  assert.deepEqual(rs.map((r) => r.status), [200, 200, 429]);
  for (const r of rs) assert.equal(r.headers['ratelimit-limit'], undefined);
  assert.equal(rs[2]!.headers['retry-after'], '3600'); // one token refills in an hour
});

test('admin GET /consumers/{id}/usage shows counts, limits and resets; a reload keeps the counts', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await call('/quota', { 'x-user': 'alice' })).status, 200);
  const get = async (who: string) => {
    const r = await request(`${gw.adminUrl}/consumers/${who}/usage`);
    return { status: r.statusCode, body: (await r.body.json()) as any };
  };
  const u = await get('alice');
  assert.equal(u.status, 200);
  assert.deepEqual(u.body.consumer, { id: 'c-alice', username: 'alice' });
  const quota = u.body.usage.find((x: any) => x.route === 'quota');
  assert.ok(quota, JSON.stringify(u.body));
  assert.equal(quota.counter, 'consumer=c-alice|route=quota');
  assert.deepEqual(
    quota.limits.map((l: any) => [l.limit, l.window, l.used, l.remaining]),
    [
      [1000, '30d', 3, 997],
      [5, '1m', 3, 2],
    ],
  );
  assert.ok(quota.limits.every((l: any) => Number.isInteger(l.reset) && typeof l.reset_at === 'string'));
  // Fixed windows: reset_at is the window's boundary itself.
  assert.match(quota.limits[1].reset_at, /:00\.000Z$/);
  assert.equal(Date.parse(quota.limits[0].reset_at) % (30 * 86_400_000), 0);
  // By id too; per-consumer routes appear; routes keyed by IP only (fixed, tenant) do not.
  const byId = await get('c-alice');
  assert.deepEqual(byId.body.usage.map((x: any) => x.scope_name).sort(), ['composed', 'per-consumer', 'quota']);
  const composed = byId.body.usage.find((x: any) => x.scope_name === 'composed');
  assert.match(composed.note, /keyed by path_param:id/);
  assert.equal((await get('nobody')).status, 404);

  const r = await gw.reload(CONFIG.replace('{ username: bob, id: c-bob }', '{ username: bob, id: c-bob, custom_id: b }'));
  assert.equal(r.ok, true, JSON.stringify(r));
  const after = (await get('alice')).body.usage.find((x: any) => x.route === 'quota');
  assert.equal(after.limits[1].used, 3, 'counts survive a reload');
  assert.equal((await call('/quota', { 'x-user': 'alice' })).headers['ratelimit-remaining'], '1');
});
