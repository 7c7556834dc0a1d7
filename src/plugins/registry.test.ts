import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinPlugins, lookupPlugin } from './registry.ts';

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
