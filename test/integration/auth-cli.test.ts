import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BIN, runCli, startCli, freePort, tempDir } from '../helpers/cli.ts';
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

test('portico hash-secret takes the secret as its argument; two secrets are refused', async () => {
  const r = await runCli(['hash-secret', 'my key']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, new RegExp(`^key_sha256: ${sha256Hex('my key')}\npassword_hash: scrypt\\$`));
  assert.equal((await runCli(['hash-secret', 'a', 'b'])).code, 2);
  assert.equal((await runCli(['hash-secret', 'a', '--secret', 'b'])).code, 2);
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

test('portico validate checks every consumer credential where it stands, used by a route or not', async () => {
  const t = await tempDir();
  try {
    const file = await t.write(
      'creds.yaml',
      [
        'consumers:',
        '  - username: alice',
        '    id: a1',
        '    credentials:',
        '      keyauth: [{ key: k1 }]',
        '      forward-auth: [{ key: k1 }]',
        '      key-auth: [{ key_sha256: "9f86d0" }, { key: k2, key_sha256: "' + sha256Hex('x') + '" }]',
        '      basic-auth: [{ username: alice, password_hash: "plain-text" }]',
        '      jwt:',
        '        - { algorithm: RS256, public_key: "not a pem", issuer: "https://a.example" }',
        '        - { algorithm: HS256, secret: "0123456789abcdef0123456789abcdef" }',
        '        - { algorithm: ES256, secret: "short", issuer: i }',
        '',
      ].join('\n'),
    );
    const r = await runCli(['validate', '--config', file]);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.includes('consumers[0]'));
    const expect: RegExp[] = [
      /credentials\.keyauth: unknown credential type "keyauth" \(no such plugin\) \(\S*creds\.yaml:5:7\)/,
      /credentials\.forward-auth: unknown credential type "forward-auth" \(plugin "forward-auth" takes no consumer credentials\) \(\S*creds\.yaml:6:7\)/,
      /credentials\.key-auth\[0\]\.key_sha256: must match pattern .* \(\S*creds\.yaml:7:32\)/,
      /credentials\.key-auth\[1\]: set exactly one of key or key_sha256 \(\S*creds\.yaml:7:/,
      /credentials\.basic-auth\[0\]\.password_hash: must look like scrypt\$.*portico hash-secret.* \(\S*creds\.yaml:8:/,
      /credentials\.jwt\[0\]\.public_key: not a PEM public key .*\(\S*creds\.yaml:10:/,
      /credentials\.jwt\[1\]: set issuer \(matched to iss\) or key_id \(matched to kid\) \(\S*creds\.yaml:11:/,
      /credentials\.jwt\[2\]\.algorithm: ES256 cannot be used with a secret \(\S*creds\.yaml:12:/,
    ];
    for (const re of expect) assert.ok(lines.some((l) => re.test(l)), `${re} in:\n${lines.join('\n')}`);
    assert.equal(lines.length, expect.length, lines.join('\n'));
  } finally {
    await t.cleanup();
  }
});

test('portico validate reports shared credentials and unknown anonymous consumers together, each with its line', async () => {
  const t = await tempDir();
  try {
    const file = await t.write(
      'shared.yaml',
      [
        'consumers:',
        '  - username: alice@example.com', // any printable username; id defaults to it
        '    credentials:',
        '      key-auth: [{ key: k-1 }]',
        '      basic-auth: [{ username: alice, password_hash: "' + 'scrypt$N=16384,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$' + 'A'.repeat(43) + '" }]',
        '  - username: Bob Smith',
        '    id: bob',
        '    credentials:',
        '      key-auth: [{ key_sha256: "' + sha256Hex('k-1').toUpperCase() + '" }]',
        '      basic-auth: [{ username: alice, password_hash: "' + 'scrypt$N=16384,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$' + 'A'.repeat(43) + '" }]',
        'routes:',
        '  - { name: r, paths: [/], plugins: { key-auth: { anonymous: ghost }, jwt: { secret: s, issuer: i, anonymous: "alice@example.com" } } }',
        'plugins:',
        '  basic-auth: { anonymous: nobody }',
        '',
      ].join('\n'),
    );
    const r = await runCli(['validate', '--config', file]);
    assert.equal(r.code, 1, r.stderr);
    const expect: RegExp[] = [
      /consumers\[1\]\.credentials\.key-auth\[0\]\.key_sha256: the same key is already used by consumer alice@example\.com \(\S*shared\.yaml:9:/,
      /consumers\[1\]\.credentials\.basic-auth\[0\]\.username: the same username is already used by consumer alice@example\.com \(\S*shared\.yaml:10:/,
      /routes\[0\]\.plugins\.key-auth\.anonymous: no consumer with username or id "ghost" \(\S*shared\.yaml:12:/,
      /plugins\.basic-auth\.anonymous: no consumer with username or id "nobody" \(\S*shared\.yaml:14:/,
    ];
    for (const re of expect) assert.match(r.stderr, re);
    assert.equal(r.stderr.split('\n').filter((l) => / \(\S*shared\.yaml:\d+:\d+\)$/.test(l)).length, expect.length, r.stderr);
  } finally {
    await t.cleanup();
  }
});

test('portico start says the config warnings validate would print', async () => {
  const t = await tempDir();
  const port = await freePort();
  const file = await t.write('warn.yaml', `listen: [{ address: "127.0.0.1:${port}" }]\nadmin: { listen: "off" }\nroutes:\n  - { name: r, paths: [/], plugins: { jwt: { secret: short } } }\n`);
  const listening = () => fetch(`http://127.0.0.1:${port}/`).then((r) => (void r.body?.cancel(), true), () => false);
  const run = await startCli(['start', '--config', file], listening);
  try {
    // The log is written asynchronously: give it a moment after the listener is up.
    for (let i = 0; i < 40 && !/secret is 5 bytes/.test(run.stdout() + run.stderr()); i++) await new Promise((r) => setTimeout(r, 50));
    const out = run.stdout() + run.stderr();
    assert.match(out, /config warning/);
    assert.match(out, /checks neither issuer nor audiences/);
    assert.match(out, /secret is 5 bytes/);
  } finally {
    await run.stop();
    await t.cleanup();
  }
});
