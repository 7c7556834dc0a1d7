import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

test('a stray error or rejection is logged and the process keeps running', () => {
  const script = `
    import { createLogger } from ${JSON.stringify(here('../observability/logger.ts'))};
    import { keepServingOnStrayErrors } from ${JSON.stringify(here('./last-resort.ts'))};
    keepServingOnStrayErrors(createLogger('info'));
    setImmediate(() => { throw new Error('stray boom'); });
    void Promise.reject(new Error('rejected boom'));
    setTimeout(() => { process.stdout.write('still alive\\n'); process.exit(0); }, 100);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /still alive/);
  const out = r.stdout + r.stderr;
  assert.match(out, /uncaught exception \(a bug\)/);
  assert.match(out, /stray boom/);
  assert.match(out, /unhandled rejection \(a bug\)/);
  assert.match(out, /rejected boom/);
});
