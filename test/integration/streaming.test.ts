import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { Readable } from 'node:stream';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';

const GB = 1024 * 1024 * 1024;
const CHUNK = Buffer.alloc(1024 * 1024, 120);
let up: FakeUpstream;
let gw: TestGateway;

before(async () => {
  up = await startUpstream(async (req, res) => {
    if (req.method === 'POST') {
      let n = 0;
      for await (const c of req as AsyncIterable<Buffer>) n += c.length;
      res.end(JSON.stringify({ bytes: n }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(GB) });
    let sent = 0;
    const pump = (): void => {
      while (sent < GB) {
        sent += CHUNK.length;
        if (!res.write(CHUNK)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  gw = await startGateway(`
max_body_size: 2gb
services:
  - { name: s, url: "${up.url}", timeouts: { read: 60s } }
routes:
  - { name: r, paths: [/], service: s }
`);
});
after(async () => {
  await gw.stop();
  await up.close();
});

function body(total: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return this.push(null);
      sent += CHUNK.length;
      this.push(CHUNK);
    },
  });
}

test('a 1 GB upload streams through with flat memory', async () => {
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const r = await request(`${gw.url}/up`, { method: 'POST', body: body(GB), headers: { 'content-length': String(GB) } });
    assert.deepEqual(await r.body.json(), { bytes: GB });
  } finally {
    clearInterval(timer);
  }
  // Client, gateway and upstream share this process; buffering the body anywhere would add ~1 GB.
  assert.ok(peak - rss0 < 250 * 1024 * 1024, `rss grew by ${Math.round((peak - rss0) / 1048576)} MB`);
});

test('a 1 GB download streams through with flat memory', async () => {
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  let n = 0;
  try {
    const r = await request(`${gw.url}/down`);
    for await (const c of r.body) n += (c as Buffer).length;
  } finally {
    clearInterval(timer);
  }
  assert.equal(n, GB);
  assert.ok(peak - rss0 < 250 * 1024 * 1024, `rss grew by ${Math.round((peak - rss0) / 1048576)} MB`);
});
