/**
 * The Node/V8 settings `portico start` runs with unless the operator chose their own.
 *
 * V8 sizes the young generation from the machine's memory: on a 24 GB host each semi-space may grow to
 * 64 MB, and a proxy under load fills it, because every request leaves a few KB of short-lived garbage.
 * That is ≈ 120 MB of resident memory buying little: a gateway's live set per request is tiny and a
 * scavenge copies only what is alive, so a small semi-space means more scavenges, each as cheap.
 * Measured on the bench (64 connections, one core, ≈ 15k req/s): main-thread GC time 1.6–2.1 µs per
 * request with 8 MB semi-spaces, 2.4–2.9 µs with 4 MB (≈ 1% of a request's CPU); peak RSS 207–250 MB with
 * Node's default, 121–135 MB with 8 MB, 113–119 MB with 4 MB.
 * glibc gives each thread that calls malloc its own arena (V8's compiler and GC threads do); two arenas
 * keep their fragmentation from adding tens of MB.
 *
 * --expose-gc lets the gateway collect the garbage of loading its config once, before it serves
 * (runtime/heap.ts), instead of carrying it into the first full GC under load.
 *
 * Flags must be set before the VM starts (v8.setFlagsFromString cannot resize the heap afterwards), so the
 * CLI re-executes itself once in place with process.execve: same PID, same stdio, signals unchanged.
 */
export const SEMI_SPACE_MB = 4;
export const MALLOC_ARENAS = '2';

export interface Reexec {
  /** argv for the new image, starting with the node executable. */
  args: string[];
  env: Record<string, string | undefined>;
}

export interface ProcessFacts {
  execPath: string;
  execArgv: readonly string[];
  /** The script path (process.argv[1]). */
  script: string;
  env: Readonly<Record<string, string | undefined>>;
  platform: string;
}

/**
 * What to re-execute with for `portico ARGS`, or null to run as is: only `start` is tuned, never twice,
 * never when PORTICO_NODE_TUNING=off, and a setting the operator gave (a semi-space flag in the node
 * arguments or NODE_OPTIONS, or MALLOC_ARENA_MAX in the environment) is left alone.
 */
export function tunedExec(args: readonly string[], p: ProcessFacts): Reexec | null {
  if (args[0] !== 'start') return null;
  if (p.env.PORTICO_NODE_TUNING === 'off' || p.env.PORTICO_NODE_TUNED === '1') return null;
  const given = [...p.execArgv, ...(p.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const semi = !given.some((f) => /^--(max|min)[-_]semi[-_]space[-_]size\b/.test(f));
  const arenas = p.platform === 'linux' && p.env.MALLOC_ARENA_MAX === undefined;
  if (!semi && !arenas) return null;
  const env: Record<string, string | undefined> = { ...p.env, PORTICO_NODE_TUNED: '1' };
  if (arenas) env.MALLOC_ARENA_MAX = MALLOC_ARENAS;
  const flags = semi ? [`--max-semi-space-size=${SEMI_SPACE_MB}`] : [];
  if (!given.some((f) => /^--expose[-_]gc$/.test(f))) flags.push('--expose-gc');
  return { args: [p.execPath, ...flags, ...p.execArgv, p.script, ...args], env };
}
