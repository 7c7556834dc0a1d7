/** Aggregation (medians over rounds, ratios) and the stdout table. */
import type { LoadResult } from './load.ts';

export interface RoundResult extends LoadResult {
  round: number;
  /** utime+stime of the target process during the round, µs. */
  cpuUs: number | null;
  cpuUsPerReq: number | null;
  /** Busy fraction of the target core / the load core during the round (from /proc/stat). */
  targetCoreBusy: number | null;
  loadCoreBusy: number | null;
  /** Target-core busy fraction not accounted for by the target process (other processes), or null. */
  foreignTargetCoreBusy: number | null;
}

export interface Summary {
  /** Medians over rounds. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerReq: number | null;
  targetCoreBusy: number | null;
  loadCoreBusy: number | null;
  foreignTargetCoreBusy: number | null;
  /** (max − min) / median of req/s over rounds. */
  rpsSpread: number;
  /** VmHWM of the target process at the end, MiB. */
  peakRssMb: number | null;
  /** Sums over measured rounds. */
  requests: number;
  non2xx: number;
  errors: number;
}

export interface ScenarioResult {
  id: string;
  name: string;
  kind: string;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  warnings: string[];
  pid?: number;
  port?: number;
  preflight?: { status: number; body: string };
  warmup?: LoadResult;
  rounds: RoundResult[];
  peakRssKb?: number | null;
  summary?: Summary;
  exit?: string;
}

export interface Ratio {
  label: string;
  of: string;
  to: string;
  rps: number;
  p50: number;
  p99: number;
  cpuPerReq: number | null;
  /**
   * Median and range of the per-round req/s ratios (round i of one ÷ round i of the other; rounds are
   * interleaved, so each pair ran back to back): steadier than the ratio of medians when the machine drifts.
   */
  paired: { median: number; min: number; max: number } | null;
  /** Median of the per-round CPU µs/req ratios, paired the same way. */
  cpuPaired: number | null;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function medianOrNull(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? median(v) : null;
}

export function summarize(s: ScenarioResult): Summary | undefined {
  if (s.rounds.length === 0) return undefined;
  const rps = s.rounds.map((r) => r.rps);
  const med = median(rps);
  return {
    rps: med,
    p50Ms: median(s.rounds.map((r) => r.p50Ms)),
    p99Ms: median(s.rounds.map((r) => r.p99Ms)),
    cpuUsPerReq: medianOrNull(s.rounds.map((r) => r.cpuUsPerReq)),
    targetCoreBusy: medianOrNull(s.rounds.map((r) => r.targetCoreBusy)),
    loadCoreBusy: medianOrNull(s.rounds.map((r) => r.loadCoreBusy)),
    foreignTargetCoreBusy: medianOrNull(s.rounds.map((r) => r.foreignTargetCoreBusy)),
    rpsSpread: med > 0 ? (Math.max(...rps) - Math.min(...rps)) / med : 0,
    peakRssMb: s.peakRssKb != null ? s.peakRssKb / 1024 : null,
    requests: s.rounds.reduce((a, r) => a + r.requests, 0),
    non2xx: s.rounds.reduce((a, r) => a + r.non2xx, 0),
    errors: s.rounds.reduce((a, r) => a + r.errors, 0),
  };
}

/** Every non-direct scenario vs the first direct one, plus each scenario's `compareTo`. */
export function ratios(results: ScenarioResult[], pairs: [string, string][]): Ratio[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  const out: Ratio[] = [];
  for (const [of, to] of pairs) {
    const a = byId.get(of)?.summary;
    const b = byId.get(to)?.summary;
    if (!a || !b) continue;
    out.push({
      label: `${of} ÷ ${to}  ${byId.get(of)!.name}  vs  ${byId.get(to)!.name}`,
      of,
      to,
      rps: a.rps / b.rps,
      p50: a.p50Ms / b.p50Ms,
      p99: a.p99Ms / b.p99Ms,
      cpuPerReq: a.cpuUsPerReq !== null && b.cpuUsPerReq !== null ? a.cpuUsPerReq / b.cpuUsPerReq : null,
      paired: pairedRatios(byId.get(of)!.rounds, byId.get(to)!.rounds, (r) => r.rps),
      cpuPaired: pairedRatios(byId.get(of)!.rounds, byId.get(to)!.rounds, (r) => r.cpuUsPerReq)?.median ?? null,
    });
  }
  return out;
}

function pairedRatios(a: RoundResult[], b: RoundResult[], pick: (r: RoundResult) => number | null): Ratio['paired'] {
  const n = Math.min(a.length, b.length);
  const rs: number[] = [];
  for (let i = 0; i < n; i++) {
    const va = pick(a[i]!);
    const vb = pick(b[i]!);
    if (va !== null && vb !== null && vb > 0) rs.push(va / vb);
  }
  if (rs.length === 0) return null;
  return { median: median(rs), min: Math.min(...rs), max: Math.max(...rs) };
}

// ---- table ---------------------------------------------------------------------------------------------

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fix = (n: number | null, d: number) => (n === null || !Number.isFinite(n) ? '–' : n.toFixed(d));
const pct = (n: number | null) => (n === null ? '–' : `${Math.round(n * 100)}%`);
const x = (n: number | null) => (n === null || !Number.isFinite(n) ? '–' : `${n.toFixed(2)}×`);

function table(header: string[], rows: (string[] | string)[], rightFrom: number): string {
  const cells = rows.filter((r): r is string[] => Array.isArray(r));
  const w = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r.map((c, i) => (i >= rightFrom ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ').trimEnd();
  const line = '─'.repeat(w.reduce((a, b) => a + b + 2, -2));
  return [fmt(header), line, ...rows.map((r) => (Array.isArray(r) ? fmt(r) : r))].join('\n');
}

export function renderResults(results: ScenarioResult[]): string {
  const header = ['id', 'scenario', 'req/s', '±', 'p50 ms', 'p99 ms', 'CPU µs/req', 'peak RSS MB', 'non-2xx', 'errors', 'core tgt/load'];
  const rows: (string[] | string)[] = [];
  for (const r of results) {
    const s = r.summary;
    if (r.status !== 'ok' || !s) {
      rows.push(`${r.id.padEnd(2)}  ${r.name}  —  ${r.status}: ${r.reason ?? 'no measurements'}`);
      continue;
    }
    rows.push([
      r.id,
      r.name,
      int(s.rps),
      pct(s.rpsSpread),
      fix(s.p50Ms, 2),
      fix(s.p99Ms, 2),
      fix(s.cpuUsPerReq, 1),
      fix(s.peakRssMb, 1),
      int(s.non2xx),
      int(s.errors),
      `${pct(s.targetCoreBusy)}/${pct(s.loadCoreBusy)}`,
    ]);
  }
  return table(header, rows, 2);
}

export function renderRatios(rs: Ratio[]): string {
  if (rs.length === 0) return '(no ratios: need at least two measured scenarios)';
  return table(
    ['ratio', 'req/s', 'paired (min–max)', 'p50', 'p99', 'CPU/req', 'paired'],
    rs.map((r) => [
      r.label,
      x(r.rps),
      r.paired === null ? '–' : `${x(r.paired.median)} (${r.paired.min.toFixed(2)}–${r.paired.max.toFixed(2)})`,
      x(r.p50),
      x(r.p99),
      x(r.cpuPerReq),
      x(r.cpuPaired),
    ]),
    1,
  );
}

export function renderWarnings(results: ScenarioResult[]): string {
  return results.flatMap((r) => r.warnings.map((w) => `warning: ${r.id}: ${w}`)).join('\n');
}
