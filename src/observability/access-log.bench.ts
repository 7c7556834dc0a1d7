/**
 * ns per access-log line for the serializations considered in access-log.ts. Not a test:
 *   ./node_modules/.bin/node src/observability/access-log.bench.ts [target]
 * target defaults to /dev/null, which measures the main-thread cost (serialize + buffer + write dispatch);
 * pass a file path to include a real disk. Writes run in batches with a macrotask between them, as requests
 * do, so sonic-boom's async writes drain and the buffer cap never drops lines; only the synchronous part of
 * each batch is timed.
 */
import { setImmediate as tick } from 'node:timers/promises';
import pino from 'pino';
import type { AccessRecord } from '../sdk/context.ts';
import { AccessLog } from './access-log.ts';

const target = process.argv[2] ?? '/dev/null';
const BATCH = 1000;
const BATCHES = 400;
const WARMUP_BATCHES = 50;

// Distinct records, as in real traffic (fresh ids, varying paths and numbers), built up front so the timing
// is the log's cost, not the record's construction.
const records: AccessRecord[] = Array.from({ length: 4096 }, (_, i) => ({
  request_id: `01JZ${i.toString(36).padStart(8, '0')}QW3RTY`,
  timestamp: new Date(1_760_000_000_000 + i).toISOString(),
  method: i % 5 === 0 ? 'POST' : 'GET',
  path: `/api/v1/users/${i}/orders`,
  route: 'users-orders',
  service: 'orders',
  upstream: '10.0.3.17:8080',
  status: i % 50 === 0 ? 502 : 200,
  latency_ms: 3.25 + (i % 100) / 7,
  upstream_latency_ms: 2.5 + (i % 100) / 7,
  bytes_in: i % 5 === 0 ? 512 : 0,
  bytes_out: 1834 + i,
  client_ip: '203.0.113.42',
  user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0',
  consumer: i % 3 === 0 ? null : 'mobile-app',
  ...(i % 10 === 0 ? { auth_error: 'expired token' } : {}),
}));

type Write = (r: AccessRecord) => void;

async function measure(name: string, write: Write, done: () => Promise<void>): Promise<void> {
  let k = 0;
  let ns = 0n;
  for (let b = 0; b < WARMUP_BATCHES + BATCHES; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) write(records[k++ & 4095]!);
    const t1 = process.hrtime.bigint();
    if (b >= WARMUP_BATCHES) ns += t1 - t0;
    await tick();
  }
  await done();
  const per = Number(ns) / (BATCHES * BATCH);
  console.log(`${name.padEnd(48)} ${per.toFixed(0).padStart(6)} ns/line`);
}

const destOpts = { dest: target, sync: false, minLength: 4096, append: true } as const;

function endOf(dest: ReturnType<typeof pino.destination>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      dest.once('close', () => resolve());
      dest.end();
    });
}

async function main(): Promise<void> {
  console.log(`target ${target}, ${BATCHES * BATCH} lines per variant, Node ${process.version}`);

  // 1. What AccessLog does: JSON.stringify into a batched sonic-boom.
  const log = new AccessLog(target);
  await measure('AccessLog (JSON.stringify, minLength 4096)', (r) => log.write(r), () => log.close());

  // 2. pino.info with the level key removed. formatters.level → {} alone produces `{,"request_id"…`, so a
  //    streamWrite hook must repair every line.
  {
    const dest = pino.destination(destOpts);
    const logger = pino(
      {
        base: null,
        timestamp: false,
        formatters: { level: () => ({}) },
        hooks: { streamWrite: (s: string) => '{' + s.slice(2) },
      },
      dest,
    );
    await measure('pino.info (level stripped via streamWrite)', (r) => logger.info(r), endOf(dest));
  }

  // 3. Plain pino.info, keeping its `"level":30` — the floor for pino, shown for reference only.
  {
    const dest = pino.destination(destOpts);
    const logger = pino({ base: null, timestamp: false }, dest);
    await measure('pino.info (with "level":30, reference)', (r) => logger.info(r), endOf(dest));
  }

  // 4. JSON.stringify without batching: one fs.write per idle period instead of per 4 KiB.
  {
    const dest = pino.destination({ ...destOpts, minLength: 0 });
    await measure('JSON.stringify, minLength 0', (r) => dest.write(JSON.stringify(r) + '\n'), endOf(dest));
  }

  // 5. sonic-boom in buffer mode: one Buffer.from per line, but sonic-boom tracks lengths as numbers.
  {
    const dest = pino.destination({ ...destOpts, contentMode: 'buffer' });
    await measure('Buffer.from(JSON.stringify), contentMode buffer', (r) => dest.write(Buffer.from(JSON.stringify(r) + '\n') as unknown as string), endOf(dest));
  }

  // 6. Own batching in front of an unbatched sonic-boom: concat lines, hand over 4 KiB at a time.
  {
    const dest = pino.destination({ ...destOpts, minLength: 0 });
    let buf = '';
    await measure('JSON.stringify, own 4 KiB batch, minLength 0', (r) => {
      buf += JSON.stringify(r) + '\n';
      if (buf.length >= 4096) {
        dest.write(buf);
        buf = '';
      }
    }, async () => {
      dest.write(buf);
      await endOf(dest)();
    });
  }

  // 7. JSON.stringify alone: the floor.
  {
    let n = 0;
    await measure('JSON.stringify only (floor)', (r) => {
      n += JSON.stringify(r).length;
    }, async () => {
      if (n === 0) throw new Error('unreachable');
    });
  }

  // 8. off: the cost a disabled log adds to every request.
  const off = new AccessLog('off');
  await measure('AccessLog off', (r) => off.write(r), () => off.close());
}

await main();
