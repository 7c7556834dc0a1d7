import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFile } from 'node:fs/promises';

const fixture = fileURLToPath(new URL('./cluster-fixture.ts', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('the primary sums two cluster workers\' counts, keeps states and limits per worker; no process is left behind', async (t) => {
  // process.execPath: this test runs on Node 24, which the .ts fixture needs (type stripping).
  const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  t.after(() => {
    clearTimeout(killer);
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 0, `fixture failed: ${stderr}`);

  const { text, pids } = JSON.parse(stdout) as { text: string; pids: number[] };
  // worker 1 observed once, worker 2 twice: 3 means both answered and were summed
  const users = 'route="users",service="accounts"';
  assert.ok(text.includes(`portico_requests_total{${users},status="200"} 3`), text);
  assert.ok(text.includes(`portico_request_duration_seconds_count{${users}} 3`));
  assert.ok(text.includes('portico_requests_in_flight 2'));
  assert.ok(text.includes('portico_config_info{hash="abc123"} 1'), 'an info metric stays 1');
  assert.ok(text.includes('portico_upstream_health{service="accounts",target="a"} 1'), 'healthy in both workers');
  assert.ok(text.includes('portico_upstream_health{service="accounts",target="b"} 0'), 'unhealthy in one worker');
  assert.ok(text.includes('portico_circuit_state{service="accounts"} 1'), 'open in one worker');
  if (process.platform === 'linux') {
    const limit = /^Max open files\s+(\d+)/m.exec(await readFile('/proc/self/limits', 'utf8'))?.[1];
    if (limit !== undefined) assert.ok(text.includes(`\nprocess_max_fds ${limit}\n`), 'a per-process limit is not summed');
  }
  assert.ok(text.includes('# TYPE process_resident_memory_bytes gauge'));
  assert.ok(text.includes('\nfixture_extra_total 3\n'), 'a registry include()d after registration');

  // Workers exit on their own once the primary disconnects them; allow them a moment, then insist.
  assert.equal(pids.length, 2);
  const deadline = Date.now() + 5000;
  while (pids.some(alive) && Date.now() < deadline) await sleep(50);
  const leftover = pids.filter(alive);
  for (const pid of leftover) process.kill(pid, 'SIGKILL');
  assert.deepEqual(leftover, [], 'workers still running after the primary exited');
});
