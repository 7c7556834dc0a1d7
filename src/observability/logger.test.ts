import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { nullLogger } from './logger.ts';

const run = promisify(execFile);

test('createLogger writes pino JSON to stderr with name and pid, no hostname', async () => {
  const url = new URL('./logger.ts', import.meta.url).href;
  const script = `
    import { createLogger } from ${JSON.stringify(url)};
    const log = createLogger('info');
    log.debug('hidden');
    log.info({ route: 'users' }, 'hello');
    log.level = 'debug';
    log.debug('now shown');
  `;
  const args = ['--input-type=module', '-e', script];
  const { stdout, stderr } = await run(process.execPath, args, { timeout: 10_000 });
  assert.equal(stdout, '');
  const lines = stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 2);
  const [info, debug] = lines;
  assert.equal(info!.name, 'portico');
  assert.equal(info!.msg, 'hello');
  assert.equal(info!.route, 'users');
  assert.equal(info!.level, 30);
  assert.equal(typeof info!.pid, 'number');
  assert.equal(typeof info!.time, 'number');
  assert.equal('hostname' in info!, false);
  assert.equal(debug!.msg, 'now shown');
});

test('createLogger rejects an unknown level', async () => {
  const { createLogger } = await import('./logger.ts');
  assert.throws(() => createLogger('loud'), /unknown log level "loud"/);
});

test('nullLogger is silent', () => {
  assert.equal(nullLogger.level, 'silent');
  assert.equal(nullLogger.isLevelEnabled('fatal'), false);
  nullLogger.error({ err: new Error('x') }, 'not written anywhere');
});
