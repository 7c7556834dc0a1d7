import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startUpstream, type FakeUpstream } from '../helpers/upstream.ts';

let up: FakeUpstream;
let gw: TestGateway;

const cfg = (n: number) => `
services:
  - { name: s, url: "${up.url}" }
routes:
  - { name: main, paths: [/main], service: s }
  - { name: slow, paths: [/slow], strip_path: false, service: s }
  - { name: gen${n}, paths: [/gen${n}], service: s }
`;

before(async () => {
  up = await startUpstream(async (req, res) => {
    if (req.url?.startsWith('/slow')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 10; i++) {
        res.write(`chunk${i};`);
        await new Promise((r) => setTimeout(r, 50));
      }
      res.end('done');
      return;
    }
    res.end('ok');
  });
  gw = await startGateway(cfg(0));
});
after(async () => {
  await gw.stop();
  await up.close();
});

test('reloads under load drop no request; a streaming request spans reloads; new routes answer at once', async () => {
  let stop = false;
  const failures: string[] = [];
  let served = 0;
  const slow = request(`${gw.url}/slow`).then(async (r) => ({ status: r.statusCode, text: await r.body.text() }));
  const loops = Array.from({ length: 16 }, async () => {
    while (!stop) {
      try {
        const r = await request(`${gw.url}/main`);
        const t = await r.body.text();
        if (r.statusCode !== 200 || t !== 'ok') failures.push(`${r.statusCode} ${t}`);
        served++;
      } catch (err) {
        failures.push(String(err));
      }
    }
  });
  for (let n = 1; n <= 10; n++) {
    const res = await gw.reload(cfg(n));
    assert.equal(res.ok, true, JSON.stringify(res));
    const r = await request(`${gw.url}/gen${n}`);
    await r.body.text();
    assert.equal(r.statusCode, 200, `route gen${n} answers right after its reload`);
    const old = await request(`${gw.url}/gen${n - 1}`);
    await old.body.text();
    assert.equal(old.statusCode, 404);
    await new Promise((r) => setTimeout(r, 20));
  }
  stop = true;
  await Promise.all(loops);
  const s = await slow;
  assert.equal(s.status, 200);
  assert.equal(s.text, 'chunk0;chunk1;chunk2;chunk3;chunk4;chunk5;chunk6;chunk7;chunk8;chunk9;done');
  assert.deepEqual(failures, []);
  assert.ok(served > 50, `served ${served}`);
});

test('a retired table releases nothing the current one still uses (pools are shared across reloads)', async () => {
  const before = gw.instance.gateway.pools.size;
  await gw.reload(cfg(99));
  await gw.reload(cfg(98));
  assert.equal(gw.instance.gateway.pools.size, before);
  const r = await request(`${gw.url}/main`);
  assert.equal(await r.body.text(), 'ok');
});
