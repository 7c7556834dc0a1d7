/**
 * Child-process plumbing for the bench: pinned spawning, a registry that guarantees every child dies with
 * us (normal exit, error, Ctrl-C), readiness helpers and /proc sampling.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly proc: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Set once exited. */
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  /** Last few KB of stdout+stderr, for error messages. */
  tail(): string;
  /** Complete stdout so far (bounded to 1 MB). */
  stdout(): string;
}

const children = new Set<Child>();
/** Set by stopAll(): no new children after that (a run being torn down must not start more load). */
let closed = false;

let tasksetPath: string | null | undefined;
/** `taskset` when it exists and works here (BENCH_NO_PIN=1 disables pinning). */
export function taskset(): string | null {
  if (tasksetPath !== undefined) return tasksetPath;
  tasksetPath = null;
  if (process.env.BENCH_NO_PIN === '1') return null;
  for (const p of ['/usr/bin/taskset', '/bin/taskset']) {
    if (existsSync(p) && spawnSync(p, ['-c', '0', 'true']).status === 0) return (tasksetPath = p);
  }
  return null;
}

export function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() || null : null;
}

/**
 * Spawn `cmd args` pinned to `cpu` (via taskset, which execs, so the pid is the program's own pid).
 * The child is registered for cleanup.
 */
export function spawnPinned(
  name: string,
  cpu: number | null,
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Child {
  if (closed) throw new Error('shutting down');
  const ts = cpu === null ? null : taskset();
  const [file, argv] = ts ? [ts, ['-c', String(cpu), cmd, ...args]] : [cmd, [...args]];
  const proc = spawn(file, argv, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  let out = '';
  const keep = (s: string) => {
    tail = (tail + s).slice(-4096);
  };
  proc.stdout!.setEncoding('utf8').on('data', (s: string) => {
    if (out.length < 1 << 20) out += s;
    keep(s);
  });
  proc.stderr!.setEncoding('utf8').on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.once('exit', (code, signal) => resolve({ code, signal }));
    proc.once('error', (err) => {
      keep(`\nspawn error: ${err.message}`);
      resolve({ code: -1, signal: null });
    });
  });
  const child: Child = {
    name,
    pid: proc.pid ?? -1,
    proc,
    exited,
    tail: () => tail,
    stdout: () => out,
  };
  children.add(child);
  void exited.then((e) => {
    child.exit = e;
    children.delete(child);
  });
  return child;
}

/** Wait until the child prints a line matching `re` on stdout; rejects if it exits first or on timeout. */
export function waitForLine(child: Child, re: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => done(new Error(`${child.name}: no ${re} within ${timeoutMs} ms; output: ${lastLines(child.tail())}`)), timeoutMs);
    const onData = (s: string) => {
      buf += s;
      const m = buf.match(re);
      if (m) done(null, m);
    };
    const onExit = () => done(new Error(`${child.name} exited (${describeExit(child)}): ${lastLines(child.tail())}`));
    function done(err: Error | null, m?: RegExpMatchArray) {
      clearTimeout(timer);
      child.proc.stdout!.off('data', onData);
      child.proc.off('exit', onExit);
      if (err) reject(err);
      else resolve(m!);
    }
    child.proc.stdout!.on('data', onData);
    child.proc.once('exit', onExit);
    if (child.exit) onExit();
  });
}

/** Poll `GET http://127.0.0.1:port/path` until any HTTP response arrives; rejects on child exit or timeout. */
export async function waitForHttp(child: Child, port: number, path: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exit) throw new Error(`exited (${describeExit(child)}): ${lastLines(child.tail())}`);
    try {
      await httpGet(port, path, {}, 1_000);
      return;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`no HTTP response on 127.0.0.1:${port}${path} within ${timeoutMs} ms (${last}); output: ${lastLines(child.tail())}`);
}

/** One request on a fresh connection. Resolves with status and body. */
export function httpGet(
  port: number,
  path: string,
  headers: Record<string, string>,
  timeoutMs: number,
  method = 'GET',
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false, timeout: timeoutMs }, (res) => {
      let b = '';
      res.setEncoding('utf8').on('data', (s: string) => (b += s));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** A port that was free a moment ago (bind 127.0.0.1:0, read it back, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function describeExit(child: Child): string {
  const e = child.exit;
  if (!e) return 'running';
  return e.signal ? `signal ${e.signal}` : `code ${e.code}`;
}

export function lastLines(s: string, n = 5): string {
  const lines = s.trim().split('\n').filter(Boolean);
  return lines.slice(-n).join(' | ') || '(no output)';
}

/** SIGTERM `child`, SIGKILL after `graceMs`. Resolves with how it exited. */
export async function stop(child: Child, graceMs = 5_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exit) return child.exit;
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  const timer = setTimeout(() => {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, graceMs);
  const e = await child.exited;
  clearTimeout(timer);
  return e;
}

/** Stop every child still running (in parallel); refuses new spawns from then on. */
export async function stopAll(graceMs = 5_000): Promise<void> {
  closed = true;
  await Promise.all([...children].map((c) => stop(c, graceMs)));
}

/** Last resort from a synchronous `exit` handler: SIGKILL whatever is left. */
export function killAllSync(): void {
  for (const c of children) {
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  children.clear();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---- /proc sampling ------------------------------------------------------------------------------------

let clkTck: number | undefined;
/** Kernel clock ticks per second (`getconf CLK_TCK`), 100 when getconf is unavailable. */
export function clockTicks(): number {
  if (clkTck === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number(r.stdout?.trim());
    clkTck = r.status === 0 && n > 0 ? n : 100;
  }
  return clkTck;
}

/** utime + stime of the whole process (all threads), in clock ticks; null when the process is gone. */
export function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and parens: fields after the last ')' start at field 3 (state).
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[14 - 3]) + Number(rest[15 - 3]);
  } catch {
    return null;
  }
}

/** Peak resident set size (VmHWM) in KiB; null when unavailable. */
export function peakRssKb(pid: number): number | null {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Per-CPU [busy, total] jiffies from /proc/stat, keyed by cpu index. */
export function cpuTimes(): Map<number, { busy: number; total: number }> {
  const out = new Map<number, { busy: number; total: number }>();
  try {
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const m = line.match(/^cpu(\d+)\s+(.*)$/);
      if (!m) continue;
      const v = m[2]!.trim().split(/\s+/).map(Number);
      // user nice system idle iowait irq softirq steal guest guest_nice (guest is already in user)
      const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
      const idle = (v[3] ?? 0) + (v[4] ?? 0);
      out.set(Number(m[1]), { busy: total - idle, total });
    }
  } catch {
    /* not Linux */
  }
  return out;
}

/** Busy fraction of `cpu` between two cpuTimes() samples, or null. */
export function busyFraction(
  a: Map<number, { busy: number; total: number }>,
  b: Map<number, { busy: number; total: number }>,
  cpu: number,
): number | null {
  const x = a.get(cpu);
  const y = b.get(cpu);
  if (!x || !y || y.total === x.total) return null;
  return (y.busy - x.busy) / (y.total - x.total);
}
