import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinPlugins, lookupPlugin } from './registry.ts';
import type { PluginDefinition } from '../sdk/plugin.ts';

test('the full built-in plugin order (higher priority runs first)', () => {
  const order = [...builtinPlugins].sort((a, b) => b.priority - a.priority).map((p) => p.name);
  assert.deepEqual(order, [
    'forward-auth',
    'oauth2-introspection',
    'jwt',
    'key-auth',
    'basic-auth',
    'request-size-limiting',
    'acl',
    'rate-limiting',
    'request-termination',
  ]);
});

test('priorities are unique and names are kebab-case', () => {
  const priorities = builtinPlugins.map((p) => p.priority);
  assert.equal(new Set(priorities).size, priorities.length);
  for (const p of builtinPlugins) assert.match(p.name, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
});

test('lookup by YAML name', () => {
  assert.equal(lookupPlugin('request-termination')?.name, 'request-termination');
  assert.equal(lookupPlugin('nope'), undefined);
});

test("each entry matches its plugin's own definition (name, priority, kind, schema, warnings, credentials)", async () => {
  const { builtinLoaders } = await import('./registry.ts');
  for (const [meta, load] of builtinLoaders) {
    const def = (await load()).default as PluginDefinition;
    assert.equal(def.name, meta.name);
    assert.equal(def.priority, meta.priority, meta.name);
    assert.equal(def.kind, meta.kind, meta.name);
    assert.equal(def.schema, meta.schema, `${meta.name}: the same schema object`);
    assert.equal(def.warn, meta.warn, `${meta.name}: the same warnings`);
    assert.equal(def.credentials, meta.credentials, `${meta.name}: the same credential spec`);
  }
});

test('a lazy entry loads its plugin and creates a working instance', async () => {
  const { builtinPlugins: plugins } = await import('./registry.ts');
  const term = plugins.find((p) => p.name === 'request-termination')!;
  assert.equal(typeof term.create, 'function');
  const inst = await term.create({ status: 503, message: 'down' } as never, {} as never);
  assert.equal(typeof inst.onAccess, 'function');
});
