import { execFileSync } from 'node:child_process';
/**
 * `npm run bench`: measures every scenario of bench/scenarios.ts in one run, interleaved (A B C D A B C D …)
 * after a warm-up per target. Each target is its own process pinned to core 0; the load generator and the
 * shared upstream are pinned to core 1. Prints a table on stdout (progress on stderr) and writes
 * bench/results/latest.json. See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pickLoadGen, type LoadGen, type Runner } from './lib/load.ts';
import { porticoConfig, toYaml } from './lib/portico-config.ts';
import {
  busyFraction,
  clockTicks,
  cpuTicks,
  cpuTimes,
  describeExit,
  freePort,
  httpGet,
  lastLines,
  peakRssKb,
  spawnPinned,
  stop,
  stopAll,
  killAllSync,
  taskset,
  waitForHttp,
  waitForLine,
  type Child,
} from './lib/procs.ts';
import { ratios, renderRatios, renderResults, renderWarnings, summarize, type ScenarioResult } from './lib/report.ts';
import { scenarios, type HeaderSet, type Lazy, type Scenario } from './scenarios.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const NODE = process.execPath;

interface Options {
  rounds: number;
  durationSec: number;
  warmupSec: number;
  connections: number;
  threads: number;
  only: string[] | null;
  out: string;
  keepTmp: boolean;
}

const USAGE = `usage: node bench/run.ts [--quick] [--only A,B,...]
  --quick          1 round × 2 s (1 s warm-up)
  --only IDS       run only these scenario ids (also BENCH_ONLY)
env: BENCH_ROUNDS (3), BENCH_DURATION (5 s), BENCH_WARMUP (2 s), BENCH_CONNECTIONS (64), BENCH_THREADS (wrk, 1),
     BENCH_LOADGEN (wrk|autocannon; default wrk when on PATH), BENCH_NO_PIN=1, BENCH_KEEP_TMP=1,
     BENCH_OUT (bench/results/latest.json), BENCH_PORTICO_BIN (bin/portico.js),
     BENCH_PORTICO_SRC=1 (run Portico from src/*.ts instead of the dist/ build it makes first),
     BENCH_SCENARIOS (module exporting \`scenarios\`, default bench/scenarios.ts)`;

/** A mistake in how the bench was invoked: reported without a stack trace. */
function usage(msg: string): Error {
  const e = new Error(msg);
  e.name = 'UsageError';
  return e;
}

function positiveInt(name: string, raw: string | undefined, dflt: number): number {
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw.replace(/s$/, ''));
  if (!Number.isInteger(n) || n < 1) throw usage(`${name} must be a positive integer (seconds for durations), got ${JSON.stringify(raw)}`);
  return n;
}

function parseOptions(argv: string[]): Options {
  let quick = false;
  let only = process.env.BENCH_ONLY || null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--only') only = argv[++i] ?? '';
    else if (a.startsWith('--only=')) only = a.slice('--only='.length);
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw usage(`unknown argument ${a}\n${USAGE}`);
  }
  const env = process.env;
  return {
    rounds: positiveInt('BENCH_ROUNDS', env.BENCH_ROUNDS, quick ? 1 : 3),
    durationSec: positiveInt('BENCH_DURATION', env.BENCH_DURATION, quick ? 2 : 5),
    warmupSec: positiveInt('BENCH_WARMUP', env.BENCH_WARMUP, quick ? 1 : 2),
    connections: positiveInt('BENCH_CONNECTIONS', env.BENCH_CONNECTIONS, 64),
    threads: positiveInt('BENCH_THREADS', env.BENCH_THREADS, 1),
    only: only ? only.split(',').map((s) => s.trim()).filter(Boolean) : null,
    out: env.BENCH_OUT || path.join(HERE, 'results', 'latest.json'),
    keepTmp: env.BENCH_KEEP_TMP === '1',
  };
}

async function resolve<T>(v: Lazy<T> | undefined): Promise<T | undefined> {
  return typeof v === 'function' ? await (v as () => T | Promise<T>)() : v;
}

function select(all: Scenario[], only: string[] | null): Scenario[] {
  const ids = new Set<string>();
  for (const s of all) {
    if (ids.has(s.id)) throw usage(`duplicate scenario id ${s.id}`);
    ids.add(s.id);
    for (const c of s.compareTo ?? []) if (!all.some((o) => o.id === c)) throw usage(`scenario ${s.id}: compareTo unknown id ${c}`);
  }
  if (!only) return all;
  for (const id of only) if (!ids.has(id)) throw usage(`--only: unknown scenario id ${id} (have ${[...ids].join(', ')})`);
  return all.filter((s) => only.includes(s.id));
}

interface Live {
  scenario: Scenario;
  result: ScenarioResult;
  child: Child;
  run: Runner;
}

interface Ctx {
  opt: Options;
  gen: LoadGen;
  dir: string;
  upstreamOrigin: string;
  targetCpu: number | null;
  loadCpu: number | null;
}

/** Starts the scenario's target process; resolves with it and its port once it answers HTTP. */
async function startTarget(s: Scenario, ctx: Ctx): Promise<{ child: Child; port: number }> {
  const t = s.target;
  if (t.kind !== 'portico') {
    const script = { direct: 'upstream.ts', 'bare-proxy': 'bare-proxy.ts', 'fastify-jwt': 'fastify-jwt.ts' }[t.kind];
    const args = t.kind === 'direct' ? [path.join(HERE, script)] : [path.join(HERE, script), ctx.upstreamOrigin];
    const child = spawnPinned(`${t.kind}(${s.id})`, ctx.targetCpu, NODE, args, { cwd: ROOT });
    try {
      const port = Number((await waitForLine(child, /^LISTENING (\d+)$/m))[1]);
      return { child, port };
    } catch (err) {
      await stop(child, 1_000);
      throw err;
    }
  }
  const bin = path.resolve(ROOT, process.env.BENCH_PORTICO_BIN || 'bin/portico.js');
  if (!existsSync(bin)) throw new Error(`${path.relative(ROOT, bin)} not found`);
  const port = await freePort();
  const yamlPath = path.join(ctx.dir, `portico-${s.id}.yaml`);
  await writeFile(yamlPath, toYaml(await porticoConfig(t.portico, port, ctx.upstreamOrigin)));
  const child = spawnPinned(`portico(${s.id})`, ctx.targetCpu, NODE, [...(t.portico.nodeArgs ?? []), bin, 'start', '--config', yamlPath], {
    cwd: ROOT,
    env: { ...process.env, ...(process.env.BENCH_PORTICO_SRC ? {} : { PORTICO_FROM: 'dist' }), ...t.portico.env },
  });
  try {
    await waitForHttp(child, port, '/__bench_ready', 30_000);
    return { child, port };
  } catch (err) {
    await stop(child, 1_000);
    throw err;
  }
}

function progress(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

function gitDescribe(): string | null {
  const r = spawnSync('git', ['describe', '--always', '--dirty'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function cpuModel(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

async function main(): Promise<void> {
  const opt = parseOptions(process.argv.slice(2));
  // BENCH_SCENARIOS=path/to/module.ts swaps in another `scenarios` list (ad-hoc experiments).
  const list = process.env.BENCH_SCENARIOS
    ? ((await import(pathToFileURL(path.resolve(process.env.BENCH_SCENARIOS)).href)) as { scenarios: Scenario[] }).scenarios
    : scenarios;
  const selected = select(list, opt.only);
  if (!process.env.BENCH_PORTICO_SRC && selected.some((s) => s.target.kind === 'portico')) {
    // Measure what users deploy: the compiled dist/ (no type stripping at run time).
    progress('building dist/ (npm run build)…');
    execFileSync(NODE, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  }
  const gen = pickLoadGen();
  const cores = os.availableParallelism();
  const pinned = taskset() !== null && cores >= 2;
  const ctx: Ctx = {
    opt,
    gen,
    dir: await mkdtemp(path.join(os.tmpdir(), 'portico-bench-')),
    upstreamOrigin: '',
    targetCpu: pinned ? 0 : null,
    loadCpu: pinned ? 1 : null,
  };
  tmpDir = ctx.dir;
  const meta = {
    date: new Date().toISOString(),
    git: gitDescribe(),
    node: process.version,
    cpu: cpuModel(),
    cores,
    loadgen: gen.version,
    pinned: pinned ? 'target → core 0; load generator + shared upstream → core 1 (taskset)' : 'no (taskset unavailable, BENCH_NO_PIN=1, or < 2 cores)',
    rounds: opt.rounds,
    durationSec: opt.durationSec,
    warmupSec: opt.warmupSec,
    connections: opt.connections,
    threads: gen.name === 'wrk' ? opt.threads : undefined,
    clkTck: clockTicks(),
  };
  progress(
    `bench: ${selected.map((s) => s.id).join(' ')} | ${gen.version}, ${opt.connections} connections | ` +
      `${opt.rounds} round(s) × ${opt.durationSec} s after ${opt.warmupSec} s warm-up | pinned: ${pinned ? 'yes' : 'no'} | node ${process.version}`,
  );

  // The shared upstream behind every proxy (direct scenarios get their own copy on the target core).
  const upstream = spawnPinned('upstream', ctx.loadCpu, NODE, [path.join(HERE, 'upstream.ts')], { cwd: ROOT });
  ctx.upstreamOrigin = `http://127.0.0.1:${(await waitForLine(upstream, /^LISTENING (\d+)$/m))[1]}`;

  // Start every target (all stay up for the whole run, idle while the others are measured).
  const results: ScenarioResult[] = [];
  const live: Live[] = [];
  for (const s of selected) {
    const result: ScenarioResult = { id: s.id, name: s.name, kind: s.target.kind, status: 'ok', warnings: [], rounds: [] };
    results.push(result);
    let stage = 'fixtures';
    let child: Child | undefined;
    try {
      const headers: HeaderSet = { ...s.headers };
      const headerSets = await resolve(s.headerSets);
      stage = 'start';
      const started = await startTarget(s, ctx);
      child = started.child;
      const port = started.port;
      result.pid = child.pid;
      result.port = port;
      stage = 'pre-flight';
      const method = s.method ?? 'GET';
      const pre = await httpGet(port, s.path, { ...headers, ...headerSets?.[0] }, 5_000, method, s.body);
      result.preflight = { status: pre.status, body: pre.body.slice(0, 200) };
      const ok = s.expectStatus !== undefined ? pre.status === s.expectStatus : pre.status >= 200 && pre.status < 300;
      if (!ok) result.warnings.push(`pre-flight ${method} ${s.path} → ${pre.status} (expected ${s.expectStatus ?? '2xx'}): ${pre.body.slice(0, 120)}`);
      const run = gen.prepare({ port, path: s.path, method, body: s.body, headers, headerSets, connections: opt.connections, threads: opt.threads }, ctx.dir, s.id);
      live.push({ scenario: s, result, child, run });
      progress(`  started ${s.id} (${s.name}) pid ${child.pid} port ${port}`);
    } catch (err) {
      bailIfInterrupted();
      if (child) await stop(child, 1_000);
      const reason = (err as Error).message;
      if (stage === 'start' && s.target.kind === 'portico') {
        result.status = 'skipped';
        result.reason = `portico not startable: ${reason}`;
      } else {
        result.status = 'failed';
        result.reason = `${stage}: ${reason}`;
      }
      progress(`  ${result.status} ${s.id}: ${result.reason}`);
    }
  }

  const measure = async (l: Live, round: number): Promise<void> => {
    const { result, child } = l;
    if (result.status !== 'ok') return;
    const c0 = cpuTicks(child.pid);
    const t0 = cpuTimes();
    const w0 = performance.now();
    let r;
    try {
      r = await l.run(opt.durationSec, ctx.loadCpu);
    } catch (err) {
      bailIfInterrupted();
      result.status = 'failed';
      result.reason = `round ${round}: ${(err as Error).message}`;
      return;
    }
    bailIfInterrupted();
    const c1 = cpuTicks(child.pid);
    const t1 = cpuTimes();
    const wallUs = (performance.now() - w0) * 1000;
    const cpuUs = c0 !== null && c1 !== null ? ((c1 - c0) / clockTicks()) * 1e6 : null;
    const targetCoreBusy = ctx.targetCpu !== null ? busyFraction(t0, t1, ctx.targetCpu) : null;
    result.rounds.push({
      ...r,
      round,
      cpuUs,
      cpuUsPerReq: cpuUs !== null && r.requests > 0 ? cpuUs / r.requests : null,
      targetCoreBusy,
      // whatever else ran on the target core: other people's processes make the numbers noisy
      foreignTargetCoreBusy: targetCoreBusy !== null && cpuUs !== null ? Math.max(0, targetCoreBusy - cpuUs / wallUs) : null,
      loadCoreBusy: ctx.loadCpu !== null ? busyFraction(t0, t1, ctx.loadCpu) : null,
    });
    result.peakRssKb = peakRssKb(child.pid) ?? result.peakRssKb;
    if (child.exit) {
      result.status = 'failed';
      result.reason = `target exited during round ${round} (${describeExit(child)}): ${lastLines(child.tail())}`;
    }
    progress(
      `  round ${round}/${opt.rounds}  ${l.scenario.id.padEnd(3)} ${Math.round(r.rps).toLocaleString('en-US').padStart(9)} req/s  ` +
        `p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  non-2xx ${r.non2xx}  errors ${r.errors}`,
    );
  };

  for (const l of live) {
    progress(`  warm-up ${l.scenario.id} ${opt.warmupSec} s`);
    try {
      l.result.warmup = await l.run(opt.warmupSec, ctx.loadCpu);
    } catch (err) {
      bailIfInterrupted();
      l.result.status = 'failed';
      l.result.reason = `warm-up: ${(err as Error).message}`;
    }
  }
  for (let round = 1; round <= opt.rounds; round++) for (const l of live) await measure(l, round);

  bailIfInterrupted();
  // Stop targets; Portico's contract is exit 0 on SIGTERM.
  for (const l of live) {
    l.result.peakRssKb = peakRssKb(l.child.pid) ?? l.result.peakRssKb;
    const e = await stop(l.child);
    l.result.exit = e.signal ? `signal ${e.signal}` : `code ${e.code}`;
    if (l.scenario.target.kind === 'portico' && e.code !== 0) l.result.warnings.push(`did not exit 0 on SIGTERM (${l.result.exit}): ${lastLines(l.child.tail(), 3)}`);
  }
  await stop(upstream);

  for (const r of results) {
    r.summary = summarize(r);
    const foreign = r.summary?.foreignTargetCoreBusy;
    if (foreign != null && foreign > 0.1)
      r.warnings.push(`other processes used ~${Math.round(foreign * 100)}% of the target core during measurement: numbers are noisy`);
  }
  const direct = selected.find((s) => s.target.kind === 'direct');
  const pairs: [string, string][] = [];
  for (const s of selected) {
    if (direct && s.target.kind !== 'direct') pairs.push([s.id, direct.id]);
    for (const c of s.compareTo ?? []) if (!pairs.some(([a, b]) => a === s.id && b === c)) pairs.push([s.id, c]);
  }
  const rs = ratios(results, pairs);

  const lines = [
    '',
    `Portico bench — ${meta.date} — ${meta.git ?? 'no git'} — node ${meta.node} — ${meta.cpu} × ${meta.cores}`,
    `${meta.loadgen}, ${opt.connections} connections, ${opt.rounds} round(s) × ${opt.durationSec} s (median), ${opt.warmupSec} s warm-up, pinned: ${pinned ? 'yes' : 'no'}`,
    '',
    renderResults(results),
    '',
    renderRatios(rs),
  ];
  const warnings = renderWarnings(results);
  if (warnings) lines.push('', warnings);
  console.log(lines.join('\n'));

  await mkdir(path.dirname(opt.out), { recursive: true });
  await writeFile(opt.out, JSON.stringify({ meta, scenarios: results, ratios: rs }, null, 2) + '\n');
  progress(`\nwrote ${path.relative(process.cwd(), opt.out) || opt.out}`);
  if (results.some((r) => r.status === 'failed')) process.exitCode = 1;
}

// ---- cleanup: every child dies with us -----------------------------------------------------------------

let tmpDir: string | null = null;
let interrupted = false;

/** After Ctrl-C the signal handler owns teardown and exit; main must stop and write nothing. */
function bailIfInterrupted(): void {
  if (interrupted) throw new Error('interrupted');
}

async function cleanup(): Promise<void> {
  await stopAll(2_000);
  if (tmpDir && process.env.BENCH_KEEP_TMP !== '1') await rm(tmpDir, { recursive: true, force: true });
  else if (tmpDir) progress(`kept ${tmpDir}`);
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (interrupted) {
      killAllSync();
      process.exit(130);
    }
    interrupted = true;
    progress(`\n${sig}: stopping child processes…`);
    void cleanup().finally(() => process.exit(130));
  });
}
process.on('exit', killAllSync);

try {
  await main();
} catch (err) {
  if (!interrupted) {
    const e = err as Error;
    console.error(e.name === 'UsageError' ? `bench: ${e.message}` : `bench failed: ${e.stack ?? e}`);
    process.exitCode = 1;
  }
} finally {
  if (!interrupted) await cleanup();
}
