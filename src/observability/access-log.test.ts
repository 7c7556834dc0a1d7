import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { AccessRecord } from '../sdk/context.ts';
import { AccessLog } from './access-log.ts';

const run = promisify(execFile);
const node = (script: string): Promise<{ stdout: string }> =>
  run(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 });

function record(i: number, extra: Record<string, unknown> = {}): AccessRecord {
  return {
    request_id: `req-${i}`,
    timestamp: '2025-10-09T12:00:00.000Z',
    method: 'GET',
    path: `/users/${i}`,
    route: 'users',
    service: 'accounts',
    upstream: '127.0.0.1:8080',
    status: 200,
    latency_ms: 12.5,
    upstream_latency_ms: null,
    bytes_in: 0,
    bytes_out: 321,
    client_ip: '203.0.113.7',
    user_agent: 'curl/8.5 "quoted" ünïcode',
    consumer: null,
    ...extra,
  };
}

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-access-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function lines(file: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8');
  assert.ok(text.endsWith('\n'), 'every line ends with a newline');
  return text.slice(0, -1).split('\n').map((l) => JSON.parse(l) as unknown);
}

test('file target: one JSON line per record, exactly the record fields, in order', async (t) => {
  // parent dirs do not exist yet
  const file = join(await tempDir(t), 'nested', 'dir', 'access.log');
  const log = new AccessLog(file);
  assert.equal(log.target, file);
  assert.equal(log.enabled, true);
  // Enough lines to cross several 4 KiB batches, plus a partial one left for close() to flush.
  const records = Array.from({ length: 100 }, (_, i) =>
    record(i, i % 7 === 0 ? { auth_error: 'expired' } : {}),
  );
  for (const r of records) log.write(r);
  await log.close();

  const parsed = await lines(file);
  assert.equal(parsed.length, records.length);
  parsed.forEach((p, i) => {
    assert.deepEqual(p, records[i]); // no level/time/pid/hostname/msg, nothing missing
    assert.deepEqual(Object.keys(p as object), Object.keys(records[i]!));
  });
});

test('file target appends to an existing file', async (t) => {
  const file = join(await tempDir(t), 'access.log');
  await writeFile(file, '{"old":true}\n');
  const log = new AccessLog(file);
  log.write(record(1));
  await log.close();
  const parsed = await lines(file);
  assert.deepEqual(parsed[0], { old: true });
  assert.deepEqual(parsed[1], record(1));
});

test('flush() makes a partial batch visible without closing', async (t) => {
  const file = join(await tempDir(t), 'access.log');
  const log = new AccessLog(file);
  t.after(() => log.close());
  log.write(record(1));
  await log.flush();
  assert.deepEqual(await lines(file), [record(1)]);
  log.write(record(2));
  await log.flush();
  assert.deepEqual(await lines(file), [record(1), record(2)]);
});

test('a lone line reaches the file at once without flush() (next event-loop turn)', async (t) => {
  const file = join(await tempDir(t), 'access.log');
  const log = new AccessLog(file);
  t.after(() => log.close());
  log.write(record(1));
  const deadline = Date.now() + 900;
  while (Date.now() < deadline) {
    if (existsSync(file) && (await readFile(file, 'utf8')).length > 0) break;
    await sleep(50);
  }
  assert.deepEqual(await lines(file), [record(1)]);
});

test('values JSON cannot hold do not lose the line', async (t) => {
  const file = join(await tempDir(t), 'access.log');
  const log = new AccessLog(file);
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  log.write(record(1, { big: 10n, cyclic, ok: 'yes' }));
  await log.close();
  const [line] = await lines(file);
  assert.deepEqual(line, { ...record(1), big: '10', cyclic: '[unserializable]', ok: 'yes' });
});

test('off writes nothing and is inert', async () => {
  const stray = join(process.cwd(), 'off');
  const before = existsSync(stray);
  const log = new AccessLog('off');
  assert.equal(log.enabled, false);
  assert.equal(log.target, 'off');
  log.write(record(1));
  await log.flush();
  await log.close();
  assert.equal(existsSync(stray), before, 'no file named "off" was created');
});

test('close is idempotent and later writes are dropped silently', async (t) => {
  const file = join(await tempDir(t), 'access.log');
  const log = new AccessLog(file);
  log.write(record(1));
  const first = log.close();
  assert.equal(log.close(), first);
  await first;
  log.write(record(2)); // must not throw "SonicBoom destroyed"
  await log.flush();
  assert.equal(log.enabled, false);
  assert.deepEqual(await lines(file), [record(1)]);
});

test('an unopenable path throws from the constructor with the OS error', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'a-file'), '');
  assert.throws(() => new AccessLog(join(dir, 'a-file', 'sub', 'access.log')), /ENOTDIR|EEXIST/);
  assert.throws(() => new AccessLog(dir), /EISDIR/);
});

test('write errors go to onError, not to the caller, and close() still completes', async () => {
  const errors: Error[] = [];
  // every write to /dev/full fails with ENOSPC
  const log = new AccessLog('/dev/full', (err) => errors.push(err));
  log.write(record(1));
  await log.flush();
  log.write(record(2));
  await log.close();
  assert.ok(errors.length >= 1);
  assert.match(errors[0]!.message, /ENOSPC/);
});

test('stdout: lines reach fd 1 and close() leaves fd 1 open', async () => {
  const url = new URL('./access-log.ts', import.meta.url).href;
  const script = `
    import { writeSync } from 'node:fs';
    import { AccessLog } from ${JSON.stringify(url)};
    const log = new AccessLog('stdout');
    log.write({ request_id: 'a', status: 200 });
    log.write({ request_id: 'b', status: 404 });
    await log.close();
    writeSync(1, 'still open\\n');
  `;
  const { stdout } = await node(script);
  const expected = ['{"request_id":"a","status":200}', '{"request_id":"b","status":404}'];
  assert.equal(stdout, [...expected, 'still open'].join('\n') + '\n');
});

test('stdout: buffered lines are flushed when the process exits without close()', async () => {
  const url = new URL('./access-log.ts', import.meta.url).href;
  const script = `
    import { AccessLog } from ${JSON.stringify(url)};
    const log = new AccessLog('stdout');
    log.write({ request_id: 'a' });
    process.exit(0);
  `;
  const { stdout } = await node(script);
  assert.equal(stdout, '{"request_id":"a"}\n');
});
