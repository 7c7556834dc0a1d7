import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startTrafficGateway, type TrafficGateway } from '../helpers/traffic-gateway.ts';
import { startControlled, spread, until, type Controlled } from '../helpers/fleet.ts';

let a: Controlled;
let b: Controlled;

before(async () => {
  [a, b] = await Promise.all([startControlled('a'), startControlled('b')]);
});
after(async () => {
  await Promise.all([a.close(), b.close()]);
});

function reset(): void {
  for (const u of [a, b]) {
    u.mode = { kind: 'ok' };
    u.health = 200;
    u.hits = 0;
  }
}

async function withGateway(extra: string, fn: (gw: TrafficGateway) => Promise<void>, targets = [a, b]): Promise<void> {
  reset();
  const gw = await startTrafficGateway(`
services:
  - name: s
    targets:
${targets.map((u) => `      - { url: ${u.url} }`).join('\n')}
${extra}
routes:
  - { name: r, paths: [/], service: s }
`);
  try {
    await fn(gw);
  } finally {
    await gw.stop();
  }
}

async function admin(gw: TrafficGateway, path: string): Promise<unknown> {
  const res = await request(`${gw.adminUrl}${path}`);
  return res.body.json();
}

async function metrics(gw: TrafficGateway): Promise<string> {
  return (await request(`${gw.adminUrl}/metrics`)).body.text();
}

test('passive: consecutive failures eject a target, it returns after the ejection', async () => {
  const extra = `    health:
      passive: { consecutive_failures: 2, ejection: 30s, max_ejection: 5m, max_ejected_percent: 50 }`;
  await withGateway(extra, async (gw) => {
    a.mode = { kind: 'status', status: 502 };
    await spread(`${gw.url}/x`, 6);
    assert.equal(a.hits, 2, 'ejected after two failures');
    const before = b.hits;
    const t = await spread(`${gw.url}/x`, 10);
    assert.equal(t.get('b'), 10);
    assert.equal(b.hits, before + 10);
    const up = (await admin(gw, '/upstreams')) as { targets: { url: string; ejected: boolean; ejections: number }[] }[];
    const ta = up[0]!.targets.find((x) => x.url === a.url)!;
    assert.equal(ta.ejected, true);
    assert.equal(ta.ejections, 1);
    const text = await metrics(gw);
    assert.match(text, new RegExp(`portico_ejections_total\\{service="s",target="${a.url}"\\} 1`));
    assert.match(text, new RegExp(`portico_upstream_health\\{service="s",target="${a.url}"\\} 0`));
    a.mode = { kind: 'ok' };
    gw.clock.advance(30_001);
    const back = await spread(`${gw.url}/x`, 10);
    assert.equal(back.get('a'), 5);
  });
});

test('max_ejected_percent: the second failing target of two is not ejected', async () => {
  const extra = `    health:
      passive: { consecutive_failures: 1, ejection: 30s, max_ejected_percent: 50 }`;
  await withGateway(extra, async (gw) => {
    a.mode = { kind: 'status', status: 503 };
    b.mode = { kind: 'status', status: 503 };
    await spread(`${gw.url}/x`, 10);
    const s = gw.service('s');
    const now = gw.clock.monotonic();
    assert.equal(s.targets.filter((t) => t.ejectedUntil > now).length, 1);
  });
});

test('active checks mark a target unhealthy and healthy again; all unhealthy → panic mode', async () => {
  const extra = `    health:
      active: { path: /health, interval: 20ms, timeout: 500ms, healthy: 1, unhealthy: 2 }`;
  await withGateway(extra, async (gw) => {
    const s = gw.service('s');
    a.health = 500;
    await until(() => s.targets.find((t) => t.label === a.url)!.healthy === false, 5000, 'a unhealthy');
    const t = await spread(`${gw.url}/x`, 10);
    assert.equal(t.get('b'), 10);
    b.health = 503;
    await until(() => s.targets.every((x) => !x.healthy), 5000, 'both unhealthy');
    // Panic: traffic still reaches every target rather than a 503 for the whole service.
    const p = await spread(`${gw.url}/x`, 10);
    assert.equal(p.get('a'), 5);
    assert.equal(p.get('b'), 5);
    assert.equal(s.panic, true);
    a.health = 200;
    b.health = 200;
    await until(() => s.targets.every((x) => x.healthy), 5000, 'healthy again');
    await spread(`${gw.url}/x`, 1);
    assert.equal(s.panic, false);
  });
});

test('tcp active check: a dead target is taken out, and back when it listens again', async () => {
  const extra = `    health:
      active: { type: tcp, interval: 20ms, timeout: 500ms, healthy: 1, unhealthy: 1 }`;
  await withGateway(extra, async (gw) => {
    const s = gw.service('s');
    await a.die();
    try {
      await until(() => !s.targets.find((t) => t.label === a.url)!.healthy, 5000, 'a down');
      const t = await spread(`${gw.url}/x`, 6);
      assert.equal(t.get('b'), 6);
    } finally {
      await a.revive();
    }
    await until(() => s.targets.find((t) => t.label === a.url)!.healthy, 5000, 'a up');
  });
});

test('service circuit breaker: closed → open (503 at once with Retry-After) → half-open → closed', async () => {
  const extra = `    circuit_breaker: { failure_rate: 50%, min_requests: 4, window: 10s, open_for: 30s, half_open_requests: 2 }`;
  await withGateway(
    extra,
    async (gw) => {
      a.mode = { kind: 'status', status: 500 };
      const first = await spread(`${gw.url}/x`, 4);
      assert.equal(first.get('500'), 4);
      assert.match(await metrics(gw), /portico_circuit_state\{service="s"\} 1/);
      const res = await request(`${gw.url}/x`);
      assert.equal(res.statusCode, 503);
      assert.equal(res.headers['retry-after'], '30');
      assert.equal(((await res.body.json()) as { error: string }).error, 'service_unavailable');
      assert.equal(a.hits, 4, 'open answers without calling the upstream');
      gw.clock.advance(30_000);
      a.mode = { kind: 'ok' };
      const trial = await spread(`${gw.url}/x`, 2);
      assert.equal(trial.get('a'), 2);
      assert.equal(gw.service('s').breaker!.state, 'closed');
      assert.match(await metrics(gw), /portico_circuit_state\{service="s"\} 0/);
      // A failed trial opens it again.
      a.mode = { kind: 'status', status: 500 };
      await spread(`${gw.url}/x`, 4);
      gw.clock.advance(30_000);
      await spread(`${gw.url}/x`, 1);
      assert.equal(gw.service('s').breaker!.state, 'open');
    },
    [a],
  );
});

test('per-target breaker takes a failing target out while the service stays up', async () => {
  const extra = `    circuit_breaker: { failure_rate: 70%, min_requests: 3, window: 10s, open_for: 30s, half_open_requests: 1 }`;
  await withGateway(extra, async (gw) => {
    a.mode = { kind: 'status', status: 500 };
    await spread(`${gw.url}/x`, 6);
    const t = await spread(`${gw.url}/x`, 10);
    assert.equal(t.get('b'), 10);
    const s = gw.service('s');
    assert.equal(s.targets.find((x) => x.label === a.url)!.breaker!.state, 'open');
    assert.equal(s.breaker!.state, 'closed');
    a.mode = { kind: 'ok' };
    gw.clock.advance(30_000);
    await spread(`${gw.url}/x`, 4);
    assert.equal(s.targets.find((x) => x.label === a.url)!.breaker!.state, 'closed');
  });
});

test('max_concurrent_requests sheds the excess with 503', async () => {
  await withGateway(
    '    max_concurrent_requests: 1',
    async (gw) => {
      a.mode = { kind: 'slow', ms: 300 };
      const [r1, r2] = await Promise.all([
        request(`${gw.url}/x`),
        new Promise((r) => setTimeout(r, 50)).then(() => request(`${gw.url}/x`)),
      ]);
      assert.equal(r1.statusCode, 200);
      assert.equal(r2.statusCode, 503);
      assert.equal(r2.headers['retry-after'], '1');
      await Promise.all([r1.body.dump(), r2.body.dump()]);
    },
    [a],
  );
});
