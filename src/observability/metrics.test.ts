import { test } from 'node:test';
import assert from 'node:assert/strict';
import { register as globalRegistry } from 'prom-client';
import { LATENCY_BUCKETS, Metrics } from './metrics.ts';

/** The sample lines of `text` whose metric name is exactly `name` (or `name_bucket` etc. via prefix). */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(name + '{') || l.startsWith(name + ' '));
}

test('observe() counts by route, service and status, and times both histograms', async () => {
  const m = new Metrics({ defaultMetrics: false });
  const users = m.forRoute('users', 'accounts');
  users.observe(200, 0.02, 0.015);
  users.observe(200, 0.3, 0.29);
  users.observe(503, 0.004, null); // local reply: no upstream time
  const text = await m.text();

  assert.deepEqual(samples(text, 'portico_requests_total'), [
    'portico_requests_total{route="users",service="accounts",status="200"} 2',
    'portico_requests_total{route="users",service="accounts",status="503"} 1',
  ]);
  assert.deepEqual(samples(text, 'portico_request_duration_seconds_count'), [
    'portico_request_duration_seconds_count{route="users",service="accounts"} 3',
  ]);
  assert.deepEqual(samples(text, 'portico_upstream_duration_seconds_count'), [
    'portico_upstream_duration_seconds_count{route="users",service="accounts"} 2',
  ]);
  assert.ok(text.includes('portico_request_duration_seconds_bucket{le="0.005",route="users",service="accounts"} 1'));
  assert.ok(text.includes('portico_request_duration_seconds_bucket{le="0.025",route="users",service="accounts"} 2'));
  assert.ok(text.includes('portico_request_duration_seconds_bucket{le="+Inf",route="users",service="accounts"} 3'));
  // the gateway buckets, 1 ms … 10 s
  const les = samples(text, 'portico_request_duration_seconds_bucket').map((l) => /le="([^"]+)"/.exec(l)![1]);
  assert.deepEqual(les, [...LATENCY_BUCKETS.map(String), '+Inf']);
});

test('forRoute() returns one cached object per (route, service); unmatched requests use empty labels', async () => {
  const m = new Metrics({ defaultMetrics: false });
  assert.equal(m.forRoute('a', 's'), m.forRoute('a', 's'));
  assert.notEqual(m.forRoute('a', 's'), m.forRoute('a', ''));
  assert.notEqual(m.forRoute('a\u0000', 's'), m.forRoute('a', '\u0000s'));
  m.forRoute('', '').observe(404, 0.001, null);
  assert.ok((await m.text()).includes('portico_requests_total{route="",service="",status="404"} 1'));
});

test('non-finite durations are skipped, not thrown', async () => {
  const m = new Metrics({ defaultMetrics: false });
  m.forRoute('r', 's').observe(200, Number.NaN, Number.POSITIVE_INFINITY);
  const text = await m.text();
  assert.ok(text.includes('portico_requests_total{route="r",service="s",status="200"} 1'));
  assert.deepEqual(samples(text, 'portico_request_duration_seconds_count'), []);
  assert.deepEqual(samples(text, 'portico_upstream_duration_seconds_count'), []);
});

test('in-flight gauge follows inc()/dec()', async () => {
  const m = new Metrics({ defaultMetrics: false });
  assert.deepEqual(samples(await m.text(), 'portico_requests_in_flight'), ['portico_requests_in_flight 0']);
  m.inFlight.inc();
  m.inFlight.inc();
  m.inFlight.dec();
  assert.equal(m.inFlight.value, 1);
  assert.deepEqual(samples(await m.text(), 'portico_requests_in_flight'), ['portico_requests_in_flight 1']);
});

test('reloads are counted by result; both series exist from the start', async () => {
  const m = new Metrics({ defaultMetrics: false });
  assert.deepEqual(samples(await m.text(), 'portico_config_reloads_total'), [
    'portico_config_reloads_total{result="success"} 0',
    'portico_config_reloads_total{result="failure"} 0',
  ]);
  m.reloaded(true);
  m.reloaded(true);
  m.reloaded(false);
  assert.deepEqual(samples(await m.text(), 'portico_config_reloads_total'), [
    'portico_config_reloads_total{result="success"} 2',
    'portico_config_reloads_total{result="failure"} 1',
  ]);
});

test('config info carries only the current hash', async () => {
  const m = new Metrics({ defaultMetrics: false });
  m.configInfo('aaa111');
  assert.deepEqual(samples(await m.text(), 'portico_config_info'), ['portico_config_info{hash="aaa111"} 1']);
  m.configInfo('bbb222');
  assert.deepEqual(samples(await m.text(), 'portico_config_info'), ['portico_config_info{hash="bbb222"} 1']);
});

test('counter()/gauge()/histogram() are idempotent and refuse a conflicting spec', async () => {
  const m = new Metrics({ defaultMetrics: false });
  const c = m.counter('portico_ratelimit_rejections_total', 'Requests refused.', ['route']);
  assert.equal(m.counter('portico_ratelimit_rejections_total', 'Requests refused.', ['route']), c);
  c.labels('r').inc(2);
  const g = m.gauge('portico_upstream_healthy', 'Healthy targets.', ['service']);
  assert.equal(m.gauge('portico_upstream_healthy', 'Healthy targets.', ['service']), g);
  const h = m.histogram('portico_auth_seconds', 'Auth time.');
  assert.equal(m.histogram('portico_auth_seconds', 'Auth time.'), h);

  assert.throws(() => m.gauge('portico_ratelimit_rejections_total', 'x', ['route']), /registered as counter/);
  assert.throws(() => m.counter('portico_ratelimit_rejections_total', 'x', ['service']), /counter\(route\)/);
  // built-ins and default metrics are protected too
  assert.throws(() => m.counter('portico_requests_total', 'x', ['route']), /registered as counter/);
  const withDefaults = new Metrics();
  assert.throws(() => withDefaults.gauge('process_resident_memory_bytes', 'x'), /already been registered/);

  assert.ok((await m.text()).includes('portico_ratelimit_rejections_total{route="r"} 2'));
});

test('each Metrics has its own registry, not the global one', async () => {
  const a = new Metrics({ defaultMetrics: false });
  const b = new Metrics({ defaultMetrics: false });
  a.forRoute('r', 's').observe(200, 0.01, null);
  assert.ok((await a.text()).includes('status="200"} 1'));
  assert.ok(!(await b.text()).includes('status="200"'));
  assert.equal(globalRegistry.getSingleMetric('portico_requests_total'), undefined);
});

test('default process and Node metrics use their standard, unprefixed names', async () => {
  const m = new Metrics();
  const text = await m.text();
  for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
    assert.ok(text.includes(`\n# TYPE ${name} `), name);
  }
  assert.ok(!text.includes('portico_process_'));
  assert.ok(!(await new Metrics({ defaultMetrics: false }).text()).includes('process_cpu_seconds_total'));
  assert.match(m.contentType, /^text\/plain; version=0\.0\.4/);
});
