import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tunedExec, SEMI_SPACE_MB, MALLOC_ARENAS, type ProcessFacts } from './tuning.ts';

const facts = (over: Partial<ProcessFacts> = {}): ProcessFacts => ({
  execPath: '/usr/bin/node',
  execArgv: [],
  script: '/app/bin/portico.js',
  env: { PATH: '/bin' },
  platform: 'linux',
  ...over,
});

test('start is re-executed with a capped young generation and two malloc arenas', () => {
  const r = tunedExec(['start', '--config', 'p.yaml'], facts({ execArgv: ['--enable-source-maps'] }));
  assert.ok(r);
  assert.deepEqual(r.args, ['/usr/bin/node', `--max-semi-space-size=${SEMI_SPACE_MB}`, '--expose-gc', '--enable-source-maps', '/app/bin/portico.js', 'start', '--config', 'p.yaml']);
  assert.equal(r.env.MALLOC_ARENA_MAX, MALLOC_ARENAS);
  assert.equal(r.env.PORTICO_NODE_TUNED, '1');
  assert.equal(r.env.PATH, '/bin');
});

test('other commands, a second pass and PORTICO_NODE_TUNING=off run as they are', () => {
  assert.equal(tunedExec(['validate', '--config', 'p.yaml'], facts()), null);
  assert.equal(tunedExec(['start'], facts({ env: { PORTICO_NODE_TUNED: '1' } })), null);
  assert.equal(tunedExec(['start'], facts({ env: { PORTICO_NODE_TUNING: 'off' } })), null);
});

test("the operator's own settings win", () => {
  const viaArgv = tunedExec(['start'], facts({ execArgv: ['--max-semi-space-size=32'] }));
  assert.ok(viaArgv);
  assert.ok(!viaArgv.args.includes(`--max-semi-space-size=${SEMI_SPACE_MB}`));
  assert.ok(viaArgv.args.includes('--max-semi-space-size=32'));
  const viaOptions = tunedExec(['start'], facts({ env: { NODE_OPTIONS: '--max_semi_space_size=16', MALLOC_ARENA_MAX: '4' } }));
  assert.equal(viaOptions, null);
  const arenasOnly = tunedExec(['start'], facts({ env: { MALLOC_ARENA_MAX: '4' } }));
  assert.equal(arenasOnly?.env.MALLOC_ARENA_MAX, '4');
  assert.ok(arenasOnly?.args.includes(`--max-semi-space-size=${SEMI_SPACE_MB}`));
});

test('MALLOC_ARENA_MAX is a glibc setting: only set on Linux', () => {
  const r = tunedExec(['start'], facts({ platform: 'darwin' }));
  assert.ok(r);
  assert.equal(r.env.MALLOC_ARENA_MAX, undefined);
});
