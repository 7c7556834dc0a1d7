import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText, ConfigError, formatIssue } from '../../config/load.ts';
import { lookupPlugin } from '../registry.ts';
import { buildSpecs, type RateLimitConfig } from './specs.ts';
import { GCRA, TOKEN } from '../../store/algorithms.ts';

function load(text: string) {
  return loadConfigText(text, 'p.yaml', { plugins: lookupPlugin, env: {} });
}

function issues(text: string): string[] {
  try {
    load(text);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.issues.map(formatIssue);
  }
  assert.fail('config was accepted');
}

function config(over: Partial<RateLimitConfig>): RateLimitConfig {
  const c = load(`plugins:\n  rate-limiting: { limits: [{ limit: 10, window: 1s }] }\n`).config.plugins['rate-limiting'];
  return { ...(c as RateLimitConfig), ...over };
}

test('defaults: sliding-window per consumer in memory, open on store errors; store.redis defaults', () => {
  const c = load(`plugins:\n  rate-limiting: { limits: [{ limit: 5, window: 1m }] }\n`).config;
  assert.deepEqual(c.plugins['rate-limiting'], {
    limits: [{ limit: 5, window: '1m' }],
    algorithm: 'sliding-window',
    key: ['consumer'],
    store: 'memory',
    on_store_error: 'open',
    delay: false,
    max_delay: '1s',
    hide_client_headers: false,
    message: 'API rate limit exceeded',
  });
  assert.deepEqual(c.store, { redis: { prefix: 'portico:', timeout: '50ms' } });
});

test('a full config is accepted', () => {
  const c = load(`store:
  redis: { url: "redis://cache:6379/2", prefix: "gw:", timeout: 20ms }
plugins:
  rate-limiting:
    limits:
      - { limit: 100, window: 1m }
      - { limit: 10, window: 1s, burst: 5 }
    algorithm: leaky-bucket
    burst: 20
    key: [consumer, route, header:X-Tenant, claim:tenant_id, path_param:id, credential, service, ip]
    store: redis
    on_store_error: local
    delay: true
    max_delay: 500ms
`).config;
  assert.equal((c.plugins['rate-limiting'] as RateLimitConfig).on_store_error, 'local');
});

test('invalid configs name the field', () => {
  assert.deepEqual(
    issues(`plugins:\n  rate-limiting:\n    limits: [{ limit: 0, window: 1m, burst: -1 }]\n    algorithm: leaky\n    store: disk\n`),
    [
      'plugins.rate-limiting.limits[0].limit: must be >= 1 (p.yaml:3:23)',
      'plugins.rate-limiting.limits[0].burst: must be >= 0 (p.yaml:3:45)',
      'plugins.rate-limiting.algorithm: must be one of: fixed-window, sliding-window, token-bucket, leaky-bucket (p.yaml:4:16)',
      'plugins.rate-limiting.store: must be one of: memory, redis (p.yaml:5:12)',
    ],
  );
  assert.deepEqual(issues(`plugins:\n  rate-limiting:\n    limits: []\n`), ['plugins.rate-limiting.limits: must not be empty (p.yaml:3:13)']);
  const key = issues(`plugins:\n  rate-limiting:\n    limits: [{ limit: 1, window: 1s }]\n    key: [user]\n`);
  assert.equal(key.length, 1);
  assert.match(key[0]!, /^plugins\.rate-limiting\.key\[0\]: must be .*header:NAME/);
  assert.deepEqual(issues(`plugins:\n  rate-limiting:\n    limits: [{ limit: 1, window: 1s }]\n    on_store_error: retry\n`), [
    'plugins.rate-limiting.on_store_error: must be one of: open, closed, local (p.yaml:4:21)',
  ]);
  assert.deepEqual(issues(`store:\n  redis: { url: "http://x", timeout: 5 parsecs }\n`), [
    'store.redis.url: must match pattern ^rediss?:// (redis://[user:pass@]host:port[/db] (rediss:// for TLS); default: $REDIS_URL, else redis://127.0.0.1:6379) (p.yaml:2:17)',
    'store.redis.timeout: must be a duration such as 250ms, 2s, 1m (p.yaml:2:38)',
  ]);
});

test('create() refuses what the schema cannot express', () => {
  assert.throws(() => buildSpecs(config({ delay: true })), /delay applies to algorithm: leaky-bucket only/);
  assert.throws(() => buildSpecs(config({ limits: [{ limit: 1, window: 0 }] })), /limits\[0\]\.window must be at least 1ms/);
  assert.throws(() => buildSpecs(config({ algorithm: 'token-bucket', burst: 0 })), /capacity\) must be at least 1/);
});

test('burst: token-bucket capacity (default limit); leaky-bucket queue (default 0), bounded by max_delay with delay', () => {
  const [t1, t2] = buildSpecs(config({ algorithm: 'token-bucket', limits: [{ limit: 10, window: '1s' }, { limit: 5, window: '1s', burst: 50 }] }));
  assert.deepEqual([t1!.algo, t1!.param, t1!.headerLimit, t2!.param], [TOKEN, 10, 10, 50]);
  const [g] = buildSpecs(config({ algorithm: 'leaky-bucket' }));
  assert.deepEqual([g!.algo, g!.param, g!.headerLimit], [GCRA, 0, 1]);
  const [q] = buildSpecs(config({ algorithm: 'leaky-bucket', burst: 99, limits: [{ limit: 1, window: '1d' }] }));
  assert.deepEqual([q!.param, q!.headerLimit], [99 * 86_400_000, 100]);
  const [d] = buildSpecs(config({ algorithm: 'leaky-bucket', delay: true, max_delay: '250ms' }));
  assert.deepEqual([d!.param, d!.headerLimit], [250, 3]);
  const [db] = buildSpecs(config({ algorithm: 'leaky-bucket', delay: true, burst: 1, max_delay: '1s' }));
  assert.deepEqual([db!.param, db!.headerLimit], [100, 2]);
});
