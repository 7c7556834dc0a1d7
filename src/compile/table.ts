import type { AccessRecord, Ctx, Reply, ResponseHead, RouteInfo } from '../sdk/context.ts';
import type { PluginInstance, RequestHook } from '../sdk/plugin.ts';
import type { Router } from '../router/router.ts';
import type { ServiceRuntime } from '../upstream/service.ts';
import type { Split, Mirror } from '../upstream/split.ts';
import type { RouteTimeouts } from '../upstream/spec.ts';
import type { CidrSet } from '../core/cidr.ts';
import type { Portico } from '../config/schema.ts';
import type { RouteMetrics } from '../observability/metrics.ts';

export type ResponseHook = (ctx: Ctx, res: ResponseHead) => void | Promise<void>;
export type LogHook = (ctx: Ctx, record: AccessRecord) => void;

/** One plugin's hook in a phase, bound to its instance. */
export interface HookEntry<H> {
  readonly plugin: string;
  readonly priority: number;
  readonly fn: H;
}

/** Which plugin instance from which scope serves a route (for explain, status and tests). */
export interface ChainMember {
  readonly name: string;
  readonly priority: number;
  readonly scope: 'global' | 'service' | 'route' | 'consumer';
}

/** Flat per-phase arrays for one route (or the global scope); empty phases cost nothing. */
export interface Chain {
  readonly members: readonly ChainMember[];
  readonly onRequest: readonly HookEntry<RequestHook>[];
  readonly onAccess: readonly HookEntry<RequestHook>[];
  readonly onUpstreamRequest: readonly HookEntry<RequestHook>[];
  readonly onResponseHeaders: readonly HookEntry<ResponseHook>[];
  readonly onLog: readonly HookEntry<LogHook>[];
}

export interface CompiledRoute {
  readonly name: string;
  readonly info: RouteInfo;
  /** The route's service; for a split, the first one (use `split` to choose). */
  readonly service: ServiceRuntime | null;
  /** Weighted split across services (`services:`), or null. */
  readonly split: Split | null;
  readonly mirror: Mirror | null;
  /** Route-level timeout overrides, or null. */
  readonly timeouts: RouteTimeouts | null;
  readonly stripPath: boolean;
  readonly preserveHost: boolean;
  readonly chain: Chain;
  /** Chains for consumers that carry their own plugins, keyed by consumer id. */
  readonly consumerChains: ReadonlyMap<string, Chain> | null;
  readonly metrics: RouteMetrics;
}

/** Settings the server applies per request, taken from the config when the table is compiled. */
export interface RequestLimits {
  readonly maxBodySize: number;
  readonly maxHeaders: number;
  readonly maxUriLength: number;
  readonly trustedProxies: CidrSet;
}

/** Everything decided before the first request, swapped atomically on reload. */
export interface CompiledTable {
  readonly hash: string;
  readonly file: string;
  readonly loadedAt: Date;
  readonly config: Portico;
  readonly router: Router<CompiledRoute>;
  readonly routes: readonly CompiledRoute[];
  readonly services: ReadonlyMap<string, ServiceRuntime>;
  readonly globalChain: Chain;
  readonly noRouteMetrics: RouteMetrics;
  readonly limits: RequestLimits;
  readonly instances: readonly PluginInstance[];
  /** Requests currently running on this table; the runtime retires the table when it reaches 0 after a swap. */
  inflight: number;
}

export type { Reply };
