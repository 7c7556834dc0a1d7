import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BIN, runCli, tempDir } from '../helpers/cli.ts';
import { parseScrypt, verifyScrypt, sha256Hex } from '../../src/plugins/auth-common/secrets.ts';

function withStdin(args: string[], input: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout }));
    child.stdin.end(input);
  });
}

test('portico hash-secret prints key_sha256 and a verifiable password_hash (stdin, one newline dropped)', async () => {
  const r = await withStdin(['hash-secret'], 's3cret\n');
  assert.equal(r.code, 0);
  const [key, pw] = r.stdout.trim().split('\n');
  assert.equal(key, `key_sha256: ${sha256Hex('s3cret')}`);
  const hash = parseScrypt(pw!.replace('password_hash: ', ''));
  assert.ok(typeof hash !== 'string');
  assert.equal(await verifyScrypt('s3cret', hash), true);
});

test('portico hash-secret --secret; an empty secret is refused', async () => {
  const r = await runCli(['hash-secret', '--secret', 'abc']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, new RegExp(`^key_sha256: ${sha256Hex('abc')}\npassword_hash: scrypt\\$`));
  assert.equal((await runCli(['hash-secret'])).code, 2);
});

test('portico validate warns about a jwt config that checks neither issuer nor audiences', async () => {
  const t = await tempDir();
  try {
    const file = await t.write('p.yaml', 'routes:\n  - name: r\n    paths: [/]\n    plugins:\n      jwt: { jwks_uri: "https://idp.example/jwks" }\n');
    const r = await runCli(['validate', '--config', file]);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /warning: routes\[0\]\.plugins\.jwt: checks neither issuer nor audiences/);
  } finally {
    await t.cleanup();
  }
});
