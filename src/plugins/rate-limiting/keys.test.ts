import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileKey, clean } from './keys.ts';
import { CLAIMS, CREDENTIAL, type Ctx } from '../../sdk/index.ts';
import { syntheticCtx } from './instances.ts';

function ctx(over: Partial<Record<string, unknown>> = {}, slots: Map<unknown, unknown> = new Map()): Ctx {
  return {
    clientIp: '10.0.0.7',
    consumer: null,
    route: { name: 'orders', service: 'shop' },
    headers: {},
    params: {},
    get: (s: unknown) => slots.get(s),
    ...over,
  } as unknown as Ctx;
}

test('each part renders label=value; parts compose in order', () => {
  const consumer = { id: 'c-1', username: 'alice', groups: [] };
  const c = ctx({ consumer, headers: { 'x-tenant': 'acme' }, params: { id: '42' } });
  assert.equal(compileKey(['consumer'])(c), 'consumer=c-1');
  assert.equal(compileKey(['consumer', 'route'])(c), 'consumer=c-1|route=orders');
  assert.equal(compileKey(['ip', 'service', 'global'])(c), 'ip=10.0.0.7|service=shop|global=');
  assert.equal(compileKey(['header:X-Tenant', 'path_param:id'])(c), 'header:x-tenant=acme|path_param:id=42');
});

test('a part without a value falls back to the client IP', () => {
  assert.equal(compileKey(['consumer'])(ctx()), 'ip=10.0.0.7');
  assert.equal(compileKey(['consumer', 'route'])(ctx()), 'ip=10.0.0.7|route=orders');
  assert.equal(compileKey(['header:X-Tenant'])(ctx({ headers: { 'x-tenant': '' } })), 'ip=10.0.0.7');
  assert.equal(compileKey(['claim:tenant_id'])(ctx()), 'ip=10.0.0.7');
  assert.equal(compileKey(['path_param:id'])(ctx()), 'ip=10.0.0.7');
  assert.equal(compileKey(['credential'])(ctx()), 'ip=10.0.0.7');
});

test('credential and claims come from the auth slots; claims may be nested or namespaced', () => {
  const slots = new Map<unknown, unknown>([
    [CREDENTIAL, 'key-auth:k1'],
    [CLAIMS, { tenant_id: 't9', org: { id: 7 }, 'https://x.io/team': 'blue', list: ['a'] }],
  ]);
  const c = ctx({}, slots);
  assert.equal(compileKey(['credential'])(c), 'credential=key-auth:k1');
  assert.equal(compileKey(['claim:tenant_id'])(c), 'claim:tenant_id=t9');
  assert.equal(compileKey(['claim:org.id'])(c), 'claim:org.id=7');
  assert.equal(compileKey(['claim:https://x.io/team'])(c), 'claim:https://x.io/team=blue');
  assert.equal(compileKey(['claim:list'])(c), 'ip=10.0.0.7', 'a non-scalar claim has no value');
});

test('client-controlled values cannot forge separators, and long ones are hashed', () => {
  const forged = ctx({ headers: { 'x-a': 'x|header:x-b=y', 'x-b': 'z' } });
  const key = compileKey(['header:x-a', 'header:x-b'])(forged);
  assert.equal(key.split('|').length, 2);
  assert.equal(clean('a=b'), 'a%3Db');
  const long = clean('v'.repeat(5000));
  assert.ok(long.length < 64 && long.startsWith('h~'));
});

test('the admin view composes the same key as a request', () => {
  const consumer = { id: 'c-1', username: 'alice', groups: [] };
  const fn = compileKey(['consumer', 'route']);
  assert.equal(fn(syntheticCtx({ consumer: 'c-1', route: 'orders', service: 'shop' })), fn(ctx({ consumer })));
});
