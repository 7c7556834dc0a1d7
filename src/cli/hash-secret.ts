import { parseArgs } from 'node:util';
import { hashScrypt, sha256Hex } from '../plugins/auth-common/secrets.ts';

const HELP = `portico hash-secret — print the stored forms of a secret, so no plaintext lives in the config

Usage:
  printf '%s' "$SECRET" | portico hash-secret     (reads the secret from stdin; one trailing newline is dropped)
  portico hash-secret S                           (less safe: the secret lands in shell history and ps)
  portico hash-secret --secret S                  (the same)

Prints:
  key_sha256: <hex>            for key-auth credentials:   key-auth: [{ key_sha256: "<hex>" }]
  password_hash: scrypt$...    for basic-auth credentials: basic-auth: [{ username: u, password_hash: "scrypt$..." }]
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

/** `portico hash-secret`: resolves to an exit code. */
export async function hashSecretCommand(argv: string[]): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { secret: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    }));
  } catch (err) {
    process.stderr.write(`portico hash-secret: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 1 || (positionals.length === 1 && values.secret !== undefined)) {
    process.stderr.write(`portico hash-secret: give one secret (quote it if it has spaces)\n\n${HELP}`);
    return 2;
  }
  let secret = values.secret ?? positionals[0];
  if (secret === undefined) {
    if (process.stdin.isTTY) process.stderr.write('secret (then Enter and Ctrl-D): ');
    secret = (await readStdin()).replace(/\r?\n$/, '');
  }
  if (secret === '') {
    process.stderr.write('portico hash-secret: the secret is empty\n');
    return 2;
  }
  process.stdout.write(`key_sha256: ${sha256Hex(secret)}\npassword_hash: ${await hashScrypt(secret)}\n`);
  return 0;
}
