/**
 * ns per access-log line for the serializations considered in access-log.ts. Not a test:
 *   ./node_modules/.bin/node src/observability/access-log.bench.ts [target]
 * target defaults to /dev/null, which measures the main-thread cost (serialize + buffer + write
 * dispatch); pass a file path to include a real disk. Writes run in batches with a macrotask
 * between them, as requests do, so sonic-boom's async writes drain and the buffer cap never drops
 * lines; only the synchronous part of each batch is timed. Variants run interleaved over several
 * rounds (JIT and machine noise hit all alike); the median round is reported.
 */
import { setImmediate as tick } from 'node:timers/promises';
import pino from 'pino';
import type { AccessRecord } from '../sdk/context.ts';
import { AccessLog } from './access-log.ts';

const target = process.argv[2] ?? '/dev/null';
const BATCH = 1000;
const BATCHES = 200;
const WARMUP_BATCHES = 20;
const ROUNDS = 5;

// Distinct records, as in real traffic (fresh ids, varying paths and numbers), built up front so
// the timing is the log's cost, not the record's construction. Latencies rounded to µs as
// exchange.ts does.
const records: AccessRecord[] = Array.from({ length: 4096 }, (_, i) => ({
  request_id: `01JZ${i.toString(36).padStart(8, '0')}QW3RTY`,
  timestamp: new Date(1_760_000_000_000 + i).toISOString(),
  method: i % 5 === 0 ? 'POST' : 'GET',
  path: `/api/v1/users/${i}/orders`,
  route: 'users-orders',
  service: 'orders',
  upstream: '10.0.3.17:8080',
  status: i % 50 === 0 ? 502 : 200,
  latency_ms: Math.round((3.25 + (i % 100) / 7) * 1000) / 1000,
  upstream_latency_ms: Math.round((2.5 + (i % 100) / 7) * 1000) / 1000,
  bytes_in: i % 5 === 0 ? 512 : 0,
  bytes_out: 1834 + i,
  client_ip: '203.0.113.42',
  user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0',
  consumer: i % 3 === 0 ? null : 'mobile-app',
  ...(i % 10 === 0 ? { auth_error: 'expired token' } : {}),
}));

interface Sink {
  write(r: AccessRecord): void;
  done(): Promise<void>;
}

type Destination = ReturnType<typeof pino.destination>;
const destOpts = { dest: target, sync: false, append: true } as const;

function ended(dest: Destination): Promise<void> {
  return new Promise((resolve) => {
    dest.once('close', () => resolve());
    dest.end();
  });
}

const variants: { name: string; make(): Sink }[] = [
  {
    // What AccessLog does: JSON.stringify, own 4 KiB string batch, then sonic-boom.
    name: 'AccessLog (stringify, own 4 KiB batch) [chosen]',
    make: () => {
      const log = new AccessLog(target);
      return { write: (r) => log.write(r), done: () => log.close() };
    },
  },
  {
    // The obvious alternative: let sonic-boom batch (minLength 4096). Slower: Buffer.byteLength of
    // its growing pending chunk on every write.
    name: 'stringify into sonic-boom minLength 4096',
    make: () => {
      const dest = pino.destination({ ...destOpts, minLength: 4096 });
      return { write: (r) => dest.write(JSON.stringify(r) + '\n'), done: () => ended(dest) };
    },
  },
  {
    name: 'stringify into sonic-boom minLength 0 (no batch)',
    make: () => {
      const dest = pino.destination({ ...destOpts, minLength: 0 });
      return { write: (r) => dest.write(JSON.stringify(r) + '\n'), done: () => ended(dest) };
    },
  },
  {
    // sonic-boom in buffer mode tracks lengths as numbers, but pays a Buffer per line.
    name: 'Buffer.from(stringify), contentMode buffer 4096',
    make: () => {
      const dest = pino.destination({ ...destOpts, minLength: 4096, contentMode: 'buffer' });
      const write = dest.write.bind(dest) as unknown as (b: Buffer) => boolean;
      return {
        write: (r) => write(Buffer.from(JSON.stringify(r) + '\n')),
        done: () => ended(dest),
      };
    },
  },
  {
    // pino without its level key: formatters.level → {} alone yields `{,"request_id"…`, so a
    // streamWrite hook must repair every line.
    name: 'pino.info, level stripped, minLength 4096',
    make: () => {
      const dest = pino.destination({ ...destOpts, minLength: 4096 });
      const logger = pino(
        {
          base: null,
          timestamp: false,
          formatters: { level: () => ({}) },
          hooks: { streamWrite: (s: string) => '{' + s.slice(2) },
        },
        dest,
      );
      return { write: (r) => logger.info(r), done: () => ended(dest) };
    },
  },
  {
    // Plain pino.info keeping `"level":30`: pino's floor, for reference only (wrong output).
    name: 'pino.info with "level":30 (reference)',
    make: () => {
      const dest = pino.destination({ ...destOpts, minLength: 4096 });
      const logger = pino({ base: null, timestamp: false }, dest);
      return { write: (r) => logger.info(r), done: () => ended(dest) };
    },
  },
  {
    name: 'JSON.stringify only (floor, no I/O)',
    make: () => {
      let n = 0;
      return {
        write: (r) => {
          n += JSON.stringify(r).length;
        },
        done: async () => {
          if (n < 0) throw new Error('unreachable');
        },
      };
    },
  },
  {
    name: 'AccessLog off',
    make: () => {
      const log = new AccessLog('off');
      return { write: (r) => log.write(r), done: () => log.close() };
    },
  },
];

async function round(sink: Sink): Promise<number> {
  let k = 0;
  let ns = 0n;
  for (let b = 0; b < WARMUP_BATCHES + BATCHES; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) sink.write(records[k++ & 4095]!);
    const t1 = process.hrtime.bigint();
    if (b >= WARMUP_BATCHES) ns += t1 - t0;
    await tick();
  }
  await sink.done();
  return Number(ns) / (BATCHES * BATCH);
}

async function main(): Promise<void> {
  const line = JSON.stringify(records[1]).length + 1;
  const lines = `${ROUNDS} rounds × ${BATCHES * BATCH} lines`;
  console.log(`target ${target}, ~${line} B/line, ${lines}, Node ${process.version}`);
  const results = variants.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    for (let v = 0; v < variants.length; v++) results[v]!.push(await round(variants[v]!.make()));
  }
  variants.forEach((v, i) => {
    const sorted = results[i]!.sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const min = sorted[0]!.toFixed(0);
    console.log(`${v.name.padEnd(50)} ${median.toFixed(0).padStart(6)} ns/line  (min ${min})`);
  });
}

await main();
