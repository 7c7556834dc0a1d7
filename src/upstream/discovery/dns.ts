import { Resolver } from 'node:dns/promises';
import type { DiscoverySpec } from '../spec.ts';

/** A discovered target. */
export interface Found {
  url: string;
  weight: number;
}

/** The part of node:dns/promises' Resolver discovery uses; tests inject their own. */
export interface DnsResolver {
  resolve4(name: string, opts: { ttl: true }): Promise<{ address: string; ttl: number }[]>;
  resolve6(name: string, opts: { ttl: true }): Promise<{ address: string; ttl: number }[]>;
  resolveSrv(name: string): Promise<{ name: string; port: number; priority: number; weight: number }[]>;
}

/** Makes the resolver for a discovery (a process-wide hook so tests can answer without a DNS server). */
export const dnsHooks = {
  createResolver(nameservers: readonly string[] | null): DnsResolver {
    const r = new Resolver({ timeout: 2000, tries: 2 });
    if (nameservers) r.setServers([...nameservers]);
    return r;
  },
};

const MIN_TTL_MS = 1000;

/**
 * Resolves a name into targets: A/AAAA → one target per address on the configured port (next resolution
 * when the shortest TTL runs out, at most `refresh`), SRV → the lowest-priority records with their weights
 * and ports, each record's host resolved to addresses. Returns the targets and when to resolve again.
 */
export async function resolveTargets(
  spec: DiscoverySpec,
  resolver: DnsResolver,
): Promise<{ targets: Found[]; nextMs: number }> {
  const name = spec.dns!;
  if (spec.type === 'SRV') {
    const records = await resolver.resolveSrv(name);
    if (records.length === 0) return { targets: [], nextMs: spec.refreshMs };
    const best = Math.min(...records.map((r) => r.priority));
    const out: Found[] = [];
    let ttl = spec.refreshMs;
    for (const r of records.filter((x) => x.priority === best)) {
      const { addresses, ttlMs } = await addressesOf(r.name, resolver, spec.refreshMs);
      ttl = Math.min(ttl, ttlMs);
      // SRV weight 0 means "rarely"; keep it reachable with the smallest weight.
      for (const a of addresses) out.push({ url: urlOf(spec.scheme, a, r.port), weight: Math.max(1, r.weight) });
    }
    return { targets: out, nextMs: Math.max(MIN_TTL_MS, ttl) };
  }
  const answers = spec.type === 'AAAA' ? await resolver.resolve6(name, { ttl: true }) : await resolver.resolve4(name, { ttl: true });
  const ttl = Math.min(spec.refreshMs, ...answers.map((a) => a.ttl * 1000));
  return {
    targets: answers.map((a) => ({ url: urlOf(spec.scheme, a.address, spec.port), weight: 1 })),
    nextMs: Math.max(MIN_TTL_MS, ttl),
  };
}

async function addressesOf(host: string, resolver: DnsResolver, refreshMs: number): Promise<{ addresses: string[]; ttlMs: number }> {
  if (/^[\d.]+$/.test(host) || host.includes(':')) return { addresses: [host], ttlMs: refreshMs };
  try {
    const a = await resolver.resolve4(host, { ttl: true });
    if (a.length > 0) return { addresses: a.map((x) => x.address), ttlMs: Math.min(...a.map((x) => x.ttl * 1000)) };
  } catch {
    // fall through to AAAA
  }
  const a6 = await resolver.resolve6(host, { ttl: true });
  return { addresses: a6.map((x) => x.address), ttlMs: Math.min(refreshMs, ...a6.map((x) => x.ttl * 1000)) };
}

function urlOf(scheme: string, address: string, port: number): string {
  return `${scheme}://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/**
 * Re-resolves in the background (unref'd timer). A failed resolution keeps the last answer (a DNS outage must
 * not empty a service) and retries after `refresh`.
 */
export class DnsDiscovery {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly spec: DiscoverySpec;
  private readonly resolver: DnsResolver;
  private readonly apply: (targets: Found[]) => void;
  private readonly onError: (err: unknown) => void;

  constructor(spec: DiscoverySpec, apply: (targets: Found[]) => void, onError: (err: unknown) => void) {
    this.spec = spec;
    this.resolver = dnsHooks.createResolver(spec.nameservers);
    this.apply = apply;
    this.onError = onError;
  }

  /** Resolves now; the returned promise settles after the first answer (or failure). */
  start(): Promise<void> {
    return this.run();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async run(): Promise<void> {
    let next = this.spec.refreshMs;
    try {
      const r = await resolveTargets(this.spec, this.resolver);
      if (this.stopped) return;
      this.apply(r.targets);
      next = r.nextMs;
    } catch (err) {
      if (this.stopped) return;
      this.onError(err);
    }
    this.timer = setTimeout(() => void this.run(), next);
    this.timer.unref();
  }
}
