import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram, Registry, register as globalRegistry } from 'prom-client';
import { LATENCY_BUCKETS, Metrics } from './metrics.ts';

/** The sample lines of `text` whose metric name is exactly `name`. */
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
  const buckets = samples(text, 'portico_request_duration_seconds_bucket');
  const pair = 'route="users",service="accounts"';
  assert.ok(buckets.includes(`portico_request_duration_seconds_bucket{le="0.005",${pair}} 1`));
  assert.ok(buckets.includes(`portico_request_duration_seconds_bucket{le="0.025",${pair}} 2`));
  assert.ok(buckets.includes(`portico_request_duration_seconds_bucket{le="+Inf",${pair}} 3`));
  // the gateway buckets, 1 ms … 10 s
  const les = buckets.map((l) => /le="([^"]+)"/.exec(l)![1]);
  assert.deepEqual(les, [...LATENCY_BUCKETS.map(String), '+Inf']);
});

test('the request histograms expose exactly what a prom-client Histogram would', async () => {
  const m = new Metrics({ defaultMetrics: false });
  const reference = new Registry();
  const h = new Histogram({
    name: 'portico_request_duration_seconds',
    help: 'Time from request arrival to the end of the response, by route and service.',
    labelNames: ['route', 'service'],
    buckets: [...LATENCY_BUCKETS],
    registers: [reference],
  });
  const values = [0, 0.001, 0.0011, 0.004, 0.05, 0.7, 3, 10, 11, 42];
  for (const [i, v] of values.entries()) {
    const [route, service] = i % 3 === 0 ? ['a', 's'] : ['b', ''];
    m.forRoute(route, service).observe(200, v, null);
    h.observe({ route, service }, v);
  }
  assert.equal(
    await m.registry.getSingleMetricAsString('portico_request_duration_seconds'),
    await reference.getSingleMetricAsString('portico_request_duration_seconds'),
  );
});

test('forRoute() caches one object per (route, service); unmatched requests use ""', async () => {
  const m = new Metrics({ defaultMetrics: false });
  assert.equal(m.forRoute('a', 's'), m.forRoute('a', 's'));
  assert.notEqual(m.forRoute('a', 's'), m.forRoute('a', ''));
  assert.notEqual(m.forRoute('a\u0000', 's'), m.forRoute('a', '\u0000s'));
  m.forRoute('', '').observe(404, 0.001, null);
  const text = await m.text();
  assert.ok(text.includes('portico_requests_total{route="",service="",status="404"} 1'));
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
  const inFlight = async (): Promise<string[]> =>
    samples(await m.text(), 'portico_requests_in_flight');
  assert.deepEqual(await inFlight(), ['portico_requests_in_flight 0']);
  m.inFlight.inc();
  m.inFlight.inc();
  m.inFlight.dec();
  assert.equal(m.inFlight.value, 1);
  assert.deepEqual(await inFlight(), ['portico_requests_in_flight 1']);
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
  const info = async (): Promise<string[]> => samples(await m.text(), 'portico_config_info');
  m.configInfo('aaa111');
  assert.deepEqual(await info(), ['portico_config_info{hash="aaa111"} 1']);
  m.configInfo('bbb222');
  assert.deepEqual(await info(), ['portico_config_info{hash="bbb222"} 1']);
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

  const name = 'portico_ratelimit_rejections_total';
  assert.throws(() => m.gauge(name, 'x', ['route']), /registered as counter\(route\)/);
  assert.throws(() => m.counter(name, 'x', ['service']), /now requested as counter\(service\)/);
  // built-ins and default metrics are protected too
  const rss = ['route', 'service', 'status'];
  assert.throws(() => m.counter('portico_requests_total', 'x', rss), /built into Portico/);
  const rs = ['route', 'service'];
  assert.throws(() => m.histogram('portico_request_duration_seconds', 'x', rs), /built into/);
  assert.throws(() => m.gauge('portico_config_info', 'x', ['hash']), /built into Portico/);
  const withDefaults = new Metrics();
  const rssBytes = 'process_resident_memory_bytes';
  assert.throws(() => withDefaults.gauge(rssBytes, 'x'), /already been registered/);

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

test('include() serves another registry from text() and lists it in registries', async () => {
  const m = new Metrics({ defaultMetrics: false });
  const other = new Registry();
  new Histogram({ name: 'store_seconds', help: 'x', registers: [other] }).observe(0.2);
  m.include(other);
  m.include(other);
  assert.deepEqual(m.registries, [m.registry, other]);
  assert.deepEqual(m.extra, [other]);
  const text = await m.text();
  assert.ok(text.includes('store_seconds_count 1'));
  assert.ok(text.includes('portico_requests_in_flight 0'));
});

test('default process and Node metrics use their standard, unprefixed names', async () => {
  const m = new Metrics();
  const text = await m.text();
  for (const name of [
    'process_cpu_seconds_total',
    'process_resident_memory_bytes',
    'nodejs_eventloop_lag_seconds',
    'nodejs_heap_size_used_bytes',
  ]) {
    assert.ok(text.includes(`\n# TYPE ${name} `), name);
  }
  assert.ok(!text.includes('portico_process_'));
  const bare = await new Metrics({ defaultMetrics: false }).text();
  assert.ok(!bare.includes('process_cpu_seconds_total'));
  assert.match(m.contentType, /^text\/plain; version=0\.0\.4/);
});
