import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AclRules } from './rules.ts';

const c = (...groups: string[]) => ({ id: 'i', username: 'u', groups });

test('groups: deny first, then allow', () => {
  const r = new AclRules({ allow: ['admins'], deny: ['banned'] });
  assert.equal(r.check('GET', c('admins'), true, undefined), null);
  assert.equal(r.check('GET', c('admins', 'banned'), true, undefined)?.status, 403);
  assert.equal(r.check('GET', c('staff'), true, undefined)?.status, 403);
  assert.equal(r.check('GET', null, false, undefined)?.status, 401);
  assert.equal(r.check('GET', c('staff'), false, undefined)?.status, 401, 'anonymous: authenticating might help');
});

test('groups granted by the credential (an auth service\'s roles) count beside the consumer\'s', () => {
  const r = new AclRules({ allow: ['admins'], deny: ['banned'] });
  assert.equal(r.check('GET', null, true, undefined, ['admins']), null, 'no consumer, a granted group');
  assert.equal(r.check('GET', c('staff'), true, undefined, ['admins']), null);
  assert.equal(r.check('GET', c('admins'), true, undefined, ['banned'])?.status, 403, 'a granted group can deny');
  assert.equal(r.check('GET', null, true, undefined, ['staff'])?.status, 403);
});

test('deny alone lets identity-less requests through', () => {
  assert.equal(new AclRules({ deny: ['x'] }).check('GET', null, false, undefined), null);
});

test('scopes: a list for every method, or per method with HEAD following GET and * as fallback', () => {
  const all = new AclRules({ scopes: ['a', 'b'] });
  assert.equal(all.check('POST', null, true, ['b', 'a']), null);
  assert.deepEqual(all.check('POST', null, true, ['a']), { status: 403, code: 'insufficient_scope', message: 'missing scope "b"', scope: 'a b' });
  const per = new AclRules({ scopes: { GET: ['read'], '*': ['admin'] } });
  assert.equal(per.check('GET', null, true, ['read']), null);
  assert.equal(per.check('HEAD', null, true, ['read']), null);
  assert.equal(per.check('DELETE', null, true, ['read'])?.message, 'missing scope "admin"');
  assert.equal(per.check('GET', null, true, undefined)?.message, 'missing scope "read"');
});
