import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText, formatIssue } from './load.ts';
import { lookupPlugin } from '../plugins/registry.ts';

const warnings = (text: string) => loadConfigText(text, 'w.yaml', { plugins: lookupPlugin, env: {} }).warnings.map(formatIssue);

test('an acl that needs an identity on a route without any auth plugin is warned about', () => {
  const text = [
    'services:',
    '  - { name: s, url: "http://127.0.0.1:9", plugins: { key-auth: {} } }',
    'routes:',
    '  - { name: lonely, paths: [/a], plugins: { acl: { allow: [admins] } } }',
    '  - { name: by-service, paths: [/b], service: s, plugins: { acl: { allow: [admins] } } }',
    '  - { name: own, paths: [/c], plugins: { jwt: { secret: "0123456789abcdef0123456789abcdef", issuer: i }, acl: { scopes: [read] } } }',
    '  - { name: deny-only, paths: [/d], plugins: { acl: { deny: [banned] } } }',
    '',
  ].join('\n');
  assert.deepEqual(warnings(text), [
    'routes[0].plugins.acl: acl needs an identity but no auth plugin runs on this route: every request gets 401 (w.yaml:4:50)',
  ]);
});
