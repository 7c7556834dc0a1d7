import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startGateway } from '../helpers/gateway.ts';
import { startUpstream } from '../helpers/upstream.ts';

const config = (up: string, on: boolean) => `
metrics: { consumer_label: ${on} }
services:
  - { name: s, url: "${up}" }
routes:
  - name: r
    paths: [/]
    service: s
    plugins:
      key-auth: {}
consumers:
  - username: alice
    id: u1
    credentials:
      key-auth: [{ key: alice-key-123 }]
`;

for (const on of [false, true]) {
  test(`metrics.consumer_label: ${on} → portico_requests_total ${on ? 'has' : 'has no'} consumer label`, async () => {
    const up = await startUpstream();
    const gw = await startGateway(config(up.url, on));
    try {
      const r = await request(`${gw.url}/x`, { headers: { apikey: 'alice-key-123' } });
      assert.equal(r.statusCode, 200);
      await r.body.text();
      const m = await (await request(`${gw.adminUrl}/metrics`)).body.text();
      const line = m.split('\n').find((l) => l.startsWith('portico_requests_total{') && l.includes('route="r"'));
      assert.ok(line, m.slice(0, 400));
      if (on) assert.match(line, /consumer="alice"/);
      else assert.doesNotMatch(line, /consumer=/);
    } finally {
      await gw.stop();
      await up.close();
    }
  });
}
