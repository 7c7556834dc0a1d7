import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pluginIssues } from '../../../test/helpers/plugin-config.ts';

test('acl schema: exact error paths', () => {
  assert.deepEqual(pluginIssues('acl', '{ allow: [admins], scopes: { GET: [read], "*": [admin] } }'), []);
  assert.deepEqual(pluginIssues('acl', '{}'), ['plugins.acl: must not be empty']);
  assert.deepEqual(pluginIssues('acl', '{ allow: [] }'), ['plugins.acl.allow: must not be empty']);
  assert.deepEqual(pluginIssues('acl', '{ scopes: { get: [read] } }'), ['plugins.acl.scopes.get: unknown key']);
});
