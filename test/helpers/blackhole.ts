import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';

/**
 * A TCP address on 127.0.0.1 where connects hang (for connect-timeout tests), without sending a packet off
 * the machine: a Python process listens with a backlog of 0 and never accepts; once the accept queue is
 * filled by a few idle connections, the kernel drops further SYNs, so a new connect neither succeeds nor
 * fails until the client gives up. (Node accepts every connection itself, so it cannot play this part.)
 */
export interface Blackhole {
  readonly url: string;
  close(): Promise<void>;
}

const SCRIPT = [
  'import socket, sys, time',
  's = socket.socket()',
  "s.bind(('127.0.0.1', 0))",
  's.listen(0)',
  'print(s.getsockname()[1], flush=True)',
  'sys.stdin.read()',
].join('\n');

export async function startBlackhole(): Promise<Blackhole | null> {
  let child: ChildProcess;
  try {
    child = spawn('python3', ['-c', SCRIPT], { stdio: ['pipe', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
  const port = await new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  if (!port) return null;
  const fillers: Socket[] = [];
  // Fill the accept queue (backlog 0 still admits one or two); later SYNs are then dropped.
  for (let i = 0; i < 4; i++) {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    fillers.push(s);
  }
  await new Promise((r) => setTimeout(r, 100));
  const close = async (): Promise<void> => {
    for (const s of fillers) s.destroy();
    child.stdin!.end();
    child.kill();
    await new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
  };
  // Check that a further connect really hangs.
  const hangs = await new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      s.destroy();
      resolve(true);
    }, 300);
    const fast = (): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(false);
    };
    s.on('error', fast);
    s.on('connect', fast);
  });
  if (!hangs) {
    await close();
    return null;
  }
  return { url: `http://127.0.0.1:${port}`, close };
}
