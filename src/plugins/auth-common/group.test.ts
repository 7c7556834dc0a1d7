import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authGroup, type AuthMember } from './group.ts';
import { AUTHENTICATED_BY, AUTH_FAILURE, FAILED_OPEN, authFailure, failedOpen, type Consumer, type Ctx, type Slot } from '../../sdk/index.ts';

/** The parts of Ctx the group touches. */
function fakeCtx(upstream: Record<string, string> = {}): Ctx {
  const slots = new Map<number, unknown>();
  const ctx = {
    upstreamHeaders: { ...upstream },
    logFields: {} as Record<string, unknown>,
    consumer: null as Consumer | null,
    id: 'req-1',
    get: <T>(s: Slot<T>) => slots.get(s.id) as T | undefined,
    set: <T>(s: Slot<T>, v: T) => void slots.set(s.id, v),
    replyError: (status: number, error: string, message: string, headers = {}) => ({ status, body: JSON.stringify({ error, message }), headers }),
  };
  return ctx as unknown as Ctx;
}

const alice: Consumer = { id: 'a', username: 'alice', groups: [] };
const anon: Consumer = { id: 'anon', username: 'anonymous', groups: [] };
const refuse = (kind: 'missing' | 'invalid' | 'forbidden' | 'unavailable', status = 401, challenge = 'X'): AuthMember['fn'] => (ctx) =>
  authFailure(ctx, kind, `${kind}!`, ctx.replyError(status, kind, kind, { 'www-authenticate': challenge }));
const accept: AuthMember['fn'] = (ctx) => {
  ctx.consumer = alice;
  ctx.set(AUTHENTICATED_BY, 'ok');
};
const anonymous: AuthMember['fn'] = (ctx) => {
  ctx.consumer = anon;
};
const group = (...fns: AuthMember['fn'][]) => authGroup(fns.map((fn, i) => ({ plugin: `p${i}`, fn })), ['x-user-id', 'x-consumer-id']);

test('identity headers are stripped before any member runs, even with one member', () => {
  const ctx = fakeCtx({ 'x-user-id': 'forged', 'x-consumer-id': 'forged', other: 'kept' });
  let seen: unknown;
  const r = group((c) => {
    seen = { ...c.upstreamHeaders };
    return accept(c);
  })(ctx);
  assert.equal(r, undefined);
  assert.deepEqual(seen, { other: 'kept' });
  assert.equal(ctx.upstreamHeaders['x-consumer-id'], 'a');
});

test('the first member that authenticates wins; the rest are skipped', () => {
  let ran = 0;
  const ctx = fakeCtx();
  const r = group(refuse('missing'), accept, () => void ran++)(ctx);
  assert.equal(r, undefined);
  assert.equal(ctx.consumer, alice);
  assert.equal(ran, 0);
  assert.equal(ctx.logFields.auth_error, undefined);
});

test('invalid beats missing, forbidden beats invalid; ties go to the first member', () => {
  const pick = (...fns: AuthMember['fn'][]) => {
    const ctx = fakeCtx();
    const r = group(...fns)(ctx) as { status: number; headers: Record<string, unknown> };
    return { status: r.status, challenge: r.headers['www-authenticate'], reason: ctx.logFields.auth_error };
  };
  assert.deepEqual(pick(refuse('missing', 401, 'A'), refuse('invalid', 401, 'B')), { status: 401, challenge: 'B', reason: 'invalid!' });
  assert.deepEqual(pick(refuse('invalid', 401, 'A'), refuse('forbidden', 403, 'B')), { status: 403, challenge: 'B', reason: 'forbidden!' });
  assert.deepEqual(pick(refuse('invalid', 401, 'A'), refuse('invalid', 401, 'B')).challenge, 'A');
  // All missing: every challenge is offered.
  assert.deepEqual(pick(refuse('missing', 401, 'A'), refuse('missing', 401, 'B')).challenge, ['A', 'B']);
});

test('anonymous: used when nobody authenticates and nobody saw invalid credentials', () => {
  const ctx = fakeCtx();
  assert.equal(group(anonymous, refuse('missing'))(ctx), undefined);
  assert.equal(ctx.consumer, anon);
  assert.equal(ctx.upstreamHeaders['x-anonymous-consumer'], 'true');

  const ctx2 = fakeCtx();
  const r = group(anonymous, refuse('invalid'))(ctx2) as { status: number };
  assert.equal(r.status, 401);
  assert.equal(ctx2.consumer, null);

  const ctx3 = fakeCtx();
  assert.equal(group(anonymous, accept)(ctx3), undefined);
  assert.equal(ctx3.consumer, alice, 'a later member that authenticates beats anonymous');
});

test('async members: sync ones stay sync, promises are awaited in order', async () => {
  const ctx = fakeCtx();
  const r = group(async (c) => refuse('missing')(c), (c) => Promise.resolve(accept(c)))(ctx);
  assert.ok(r instanceof Promise);
  assert.equal(await r, undefined);
  assert.equal(ctx.consumer, alice);
  assert.equal(ctx.get(AUTH_FAILURE), undefined);
});

test('a member that neither authenticates nor refuses does not let the request through', () => {
  const r = group(() => undefined)(fakeCtx()) as { status: number };
  assert.equal(r.status, 401);
});

test('fail: open stands in for "no credentials": alone it passes unauthenticated, as anonymous when set', () => {
  const down: AuthMember['fn'] = (ctx) => failedOpen(ctx, 'down', null);
  const ctx = fakeCtx();
  assert.equal(group(down)(ctx), undefined);
  assert.equal(ctx.consumer, null);
  assert.equal(ctx.logFields.auth_error, 'down (fail: open)');
  assert.equal(ctx.upstreamHeaders['x-consumer-id'], undefined);
  const asAnon = fakeCtx();
  assert.equal(group((c) => failedOpen(c, 'down', anon))(asAnon), undefined);
  assert.equal(asAnon.consumer, anon);
  assert.equal(asAnon.upstreamHeaders['x-anonymous-consumer'], 'true');
  // After a member that found nothing, too.
  assert.equal(group(refuse('missing'), down)(fakeCtx()), undefined);
});

test('fail: open never overrides a refusal of credentials another member could check', () => {
  const down: AuthMember['fn'] = (ctx) => failedOpen(ctx, 'down', anon);
  for (const members of [[down, refuse('invalid')], [refuse('invalid'), down], [down, refuse('forbidden', 403)]]) {
    const ctx = fakeCtx();
    const r = group(...members)(ctx) as { status: number } | undefined;
    assert.ok(r !== undefined && r.status >= 400, 'refused');
    assert.equal(ctx.consumer, null);
  }
});

test('fail: open then a member that authenticates: no fail-open trace is left', () => {
  const ctx = fakeCtx();
  assert.equal(group((c) => failedOpen(c, 'down', null), accept)(ctx), undefined);
  assert.equal(ctx.consumer, alice);
  assert.equal(ctx.logFields.auth_error, undefined);
  assert.equal(ctx.get(FAILED_OPEN), undefined);
});
