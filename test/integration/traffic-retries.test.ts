import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBlackhole } from '../helpers/blackhole.ts';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { startTrafficGateway, type TrafficGateway } from '../helpers/traffic-gateway.ts';
import { startControlled, spread, type Controlled } from '../helpers/fleet.ts';
import { startUpstream } from '../helpers/upstream.ts';

let a: Controlled;
let b: Controlled;
let closedUrl: string;

before(async () => {
  [a, b] = await Promise.all([startControlled('a'), startControlled('b')]);
  const tmp = createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  closedUrl = `http://127.0.0.1:${(tmp.address() as { port: number }).port}`;
  await new Promise<void>((r) => tmp.close(() => r()));
});
after(async () => {
  await Promise.all([a.close(), b.close()]);
});

function reset(): void {
  for (const u of [a, b]) {
    u.mode = { kind: 'ok' };
    u.hits = 0;
    u.seen.length = 0;
  }
}

async function withGateway(
  extra: string,
  fn: (gw: TrafficGateway) => Promise<void>,
  urls = [a.url, b.url],
  route = '',
): Promise<void> {
  reset();
  const gw = await startTrafficGateway(`
services:
  - name: s
    targets:
${urls.map((u) => `      - { url: ${u} }`).join('\n')}
${extra}
routes:
  - { name: r, paths: [/], service: s${route} }
`);
  try {
    await fn(gw);
  } finally {
    await gw.stop();
  }
}

async function retriesMetric(gw: TrafficGateway): Promise<number> {
  const text = await (await request(`${gw.adminUrl}/metrics`)).body.text();
  const m = /portico_retries_total\{service="s"\} (\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

const RETRIES = `    retries: { attempts: 2, on: [connect-failure, reset, timeout, 502, 503], backoff: 1ms, budget: 100% }`;

test('a retryable status is retried on the other target; the client never sees it', async () => {
  await withGateway(RETRIES, async (gw) => {
    a.mode = { kind: 'status', status: 503 };
    const t = await spread(`${gw.url}/x`, 6);
    assert.equal(t.get('b'), 6);
    // Smooth round robin puts every first try on a; each is retried once, on b.
    assert.equal(a.hits, 6);
    assert.equal(await retriesMetric(gw), 6);
  });
});

test('connection refused and reset are retried elsewhere', async () => {
  await withGateway(RETRIES, async (gw) => {
    const t = await spread(`${gw.url}/x`, 4);
    assert.equal(t.get('b'), 4);
  }, [closedUrl, b.url]);
  await withGateway(RETRIES, async (gw) => {
    a.mode = { kind: 'reset' };
    const t = await spread(`${gw.url}/x`, 4);
    assert.equal(t.get('b'), 4);
  });
});

test('non-idempotent requests are not retried after being sent, but are when the connect failed', async () => {
  await withGateway(RETRIES, async (gw) => {
    a.mode = { kind: 'status', status: 503 };
    b.mode = { kind: 'status', status: 503 };
    const res = await request(`${gw.url}/x`, { method: 'POST' });
    assert.equal(res.statusCode, 503);
    await res.body.dump();
    assert.equal(a.hits + b.hits, 1);
  });
  await withGateway(RETRIES, async (gw) => {
    const t = await spread(`${gw.url}/x`, 4, { method: 'POST' });
    assert.equal(t.get('b'), 4);
  }, [closedUrl, b.url]);
});

test('a small body is buffered and resent on retry; the retried target gets it whole', async () => {
  await withGateway(RETRIES, async (gw) => {
    a.mode = { kind: 'status', status: 503 };
    for (let i = 0; i < 2; i++) {
      const res = await request(`${gw.url}/x`, { method: 'PUT', body: 'hello body' });
      assert.equal(res.statusCode, 200);
      await res.body.dump();
    }
    assert.ok(b.seen.every((s) => s.body === 'hello body' && s.method === 'PUT'));
    assert.equal(b.seen.length, 2);
  });
});

test('a streamed (chunked) body is never resent', async () => {
  await withGateway(RETRIES, async (gw) => {
    a.mode = { kind: 'status', status: 503 };
    b.mode = { kind: 'status', status: 503 };
    const res = await request(`${gw.url}/x`, {
      method: 'PUT',
      body: Readable.from([Buffer.from('chunk')]),
    });
    assert.equal(res.statusCode, 503);
    await res.body.dump();
    assert.equal(a.hits + b.hits, 1);
  });
});

test('the retry budget caps retries (min_retries per window when the ratio is 0)', async () => {
  const extra = `    retries: { attempts: 2, on: [503], backoff: 1ms, budget: 0%, min_retries: 2 }`;
  await withGateway(extra, async (gw) => {
    a.mode = { kind: 'status', status: 503 };
    b.mode = { kind: 'status', status: 503 };
    const t = await spread(`${gw.url}/x`, 5);
    assert.equal(t.get('503'), 5);
    assert.equal(a.hits + b.hits, 5 + 2);
    assert.equal(await retriesMetric(gw), 2);
    // A new window (injected clock) gives the budget back.
    gw.clock.advance(10_001);
    await spread(`${gw.url}/x`, 1);
    assert.equal(a.hits + b.hits, 5 + 2 + 3);
  });
});

test('first_byte timeout → 504, retried on timeout for idempotent methods', async () => {
  await withGateway('    timeouts: { first_byte: 100ms }', async (gw) => {
    a.mode = { kind: 'slow', ms: 1000 };
    const res = await request(`${gw.url}/x`);
    assert.equal(res.statusCode, 504);
    assert.equal(((await res.body.json()) as { error: string }).error, 'gateway_timeout');
  }, [a.url]);
  await withGateway(`    timeouts: { first_byte: 100ms }\n${RETRIES}`, async (gw) => {
    a.mode = { kind: 'slow', ms: 1000 };
    const t = await spread(`${gw.url}/x`, 2);
    assert.equal(t.get('b'), 2);
  });
});

test('a sub-second first_byte holds on the plain path too (undici alone would be up to a second late)', async () => {
  await withGateway('    timeouts: { first_byte: 150ms }', async (gw) => {
    a.mode = { kind: 'slow', ms: 700 };
    for (let i = 0; i < 3; i++) {
      const res = await request(`${gw.url}/x`);
      assert.equal(res.statusCode, 504);
      assert.match(((await res.body.json()) as { message: string }).message, /within 150 ms/);
    }
  }, [a.url]);
});

test('a sub-second idle timeout holds (undici alone would be up to a second late); a shorter pause passes', async () => {
  await withGateway('    timeouts: { idle: 200ms }', async (gw) => {
    a.mode = { kind: 'slow-body', ms: 600 };
    for (let i = 0; i < 3; i++) {
      const res = await request(`${gw.url}/x`);
      assert.equal(res.statusCode, 200);
      await assert.rejects(res.body.text());
    }
    a.mode = { kind: 'slow-body', ms: 20 };
    const ok = await request(`${gw.url}/x`);
    assert.equal(ok.statusCode, 200);
    await ok.body.text();
  }, [a.url]);
});

test('a short idle timeout does not cut a response the client reads slowly (paused is not idle)', async () => {
  const SIZE = 16 * 1024 * 1024;
  const big = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-length': String(SIZE) });
    const chunk = Buffer.alloc(64 * 1024, 120);
    let sent = 0;
    const pump = (): void => {
      while (sent < SIZE) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  try {
    await withGateway('    timeouts: { idle: 200ms }', async (gw) => {
      const res = await request(`${gw.url}/x`);
      assert.equal(res.statusCode, 200);
      await new Promise((r) => setTimeout(r, 700)); // the client stops reading; buffers fill, Portico pauses
      let n = 0;
      for await (const c of res.body) n += (c as Buffer).length;
      assert.equal(n, SIZE);
    }, [big.url]);
  } finally {
    await big.close();
  }
});

test('idle timeout between body chunks cuts the response', async () => {
  await withGateway('    timeouts: { idle: 100ms }', async (gw) => {
    a.mode = { kind: 'slow-body', ms: 1000 };
    const res = await request(`${gw.url}/x`);
    assert.equal(res.statusCode, 200);
    await assert.rejects(res.body.text());
  }, [a.url]);
});

test('total timeout (route level) bounds the whole exchange, retries included', async () => {
  await withGateway(
    `    retries: { attempts: 3, on: [timeout], backoff: 1ms, budget: 100% }\n    timeouts: { first_byte: 150ms }`,
    async (gw) => {
      a.mode = { kind: 'slow', ms: 1000 };
      b.mode = { kind: 'slow', ms: 1000 };
      const res = await request(`${gw.url}/x`);
      assert.equal(res.statusCode, 504);
      const body = (await res.body.json()) as { message: string };
      assert.match(body.message, /did not finish within 200 ms/);
      assert.ok(a.hits + b.hits <= 2);
    },
    [a.url, b.url],
    ', timeouts: { total: 200ms }',
  );
});

test('connect timeout: service level, and a shorter route-level one', async (t) => {
  // Only loopback: a local listener that never accepts (see helpers/blackhole.ts).
  const hole = await startBlackhole();
  if (!hole) {
    t.skip('python3 is not available to hold a never-accepting listener; connect timeout not exercised');
    return;
  }
  const blackhole = hole.url;
  try {
  await withGateway('    timeouts: { connect: 100ms }', async (gw) => {
    const res = await request(`${gw.url}/x`);
    assert.equal(res.statusCode, 504);
    await res.body.dump();
  }, [blackhole]);
  await withGateway('', async (gw) => {
    const res = await request(`${gw.url}/x`);
    assert.equal(res.statusCode, 504);
    assert.match(((await res.body.json()) as { message: string }).message, /connect timed out after 100 ms/);
  }, [blackhole], ', timeouts: { connect: 100ms }');
  } finally {
    await hole.close();
  }
});
