import autocannon from 'autocannon';
import { startGateway } from '/work/main/test/helpers/gateway.ts';
import { startUpstream } from '/work/main/test/helpers/upstream.ts';
const ups = await Promise.all([0,1,2,3].map(() => startUpstream((_q, r) => { r.writeHead(200, {'content-length': 2}); r.end('ok'); })));
const svc = (name: string, bal: string, n: number) => `  - name: ${name}\n    balancer: ${bal}\n    targets:\n${ups.slice(0, n).map((u) => `      - { url: ${u.url} }`).join('\n')}\n`;
const bals = ['weighted-round-robin','round-robin','least-connections','random','p2c','consistent-hash','least-latency'];
const gw = await startGateway(`services:\n${svc('one','weighted-round-robin',1)}${bals.map((b) => svc(b, b, 4)).join('')}routes:\n  - { name: one, paths: [/one], service: one }\n${bals.map((b) => `  - { name: r-${b}, paths: [/${b}], service: ${b} }`).join('\n')}\n`);
const run = async (p: string) => (await autocannon({ url: gw.url + p, connections: 50, duration: 4 })).requests.average;
await run('/one');
const base = await run('/one');
console.log('single', Math.round(base));
for (const b of bals) { const r = await run('/' + b); console.log(b, Math.round(r), (r / base).toFixed(2)); }
await gw.stop(); await Promise.all(ups.map((u) => u.close()));
