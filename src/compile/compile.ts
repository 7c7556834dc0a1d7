import type { ConsumerConfig } from '../config/schema.ts';
import type { LoadedConfig, PluginLookup } from '../config/load.ts';
import type { PluginEnv, PluginInstance, ConsumerDecl } from '../sdk/plugin.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Clock } from '../core/clock.ts';
import type { CompiledRoute, CompiledTable } from './table.ts';
import { pluginEnv } from './plugin-env.ts';
import { buildChain, type Created, type Layer, type Scope } from './chain.ts';
import { Router, type RouteSpec } from '../router/router.ts';
import { dirname, resolve } from 'node:path';
import type { ServiceRuntime } from '../upstream/service.ts';
import type { PoolRegistry } from '../upstream/pools.ts';
import { serviceSpec, routeTimeouts, type ServiceSpec } from '../upstream/spec.ts';
import { Split, type Mirror } from '../upstream/split.ts';
import { CidrSet } from '../core/cidr.ts';
import { parseSize } from '../core/size.ts';

export interface CompileDeps {
  readonly plugins: PluginLookup;
  readonly pools: PoolRegistry;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly clock: Clock;
}

/** A compiled table plus what retiring it must give back. */
export interface Compiled {
  readonly table: CompiledTable;
  /** Closes plugin instances and releases pools; call when the table is retired and drained. */
  dispose(): Promise<void>;
}

/** How long a compile waits for a new service's first discovery answer before going on without it. */
const DISCOVERY_WAIT_MS = 3_000;

/**
 * ValidatedConfig + plugin registry → CompiledTable. Everything that can be decided before the first request
 * is decided here: routes compiled into the router, plugin instances created once per scope and laid out as
 * per-route phase arrays, pools acquired, metric children bound.
 */
export async function compileTable(loaded: LoadedConfig, deps: CompileDeps): Promise<Compiled> {
  const config = loaded.config;
  const acquired: ServiceRuntime[] = [];
  const instances: PluginInstance[] = [];
  const dispose = async (): Promise<void> => {
    for (const s of acquired) deps.pools.releaseService(s);
    await Promise.allSettled(instances.map((i) => i.close?.()));
  };
  try {
    const serviceSpecs = config.services.map((s) => serviceSpec(s, dirname(resolve(loaded.file)), resolve));
    const services = acquireServices(serviceSpecs, deps, acquired);
    const consumers = consumerDecls(config.consumers);
    const make = async (plugins: Record<string, unknown>, scope: Scope, scopeName: string | undefined): Promise<Layer> => {
      const layer = new Map<string, Created>();
      for (const [name, cfg] of Object.entries(plugins)) {
        const def = deps.plugins(name);
        if (!def) throw new Error(`unknown plugin "${name}"`);
        const env: PluginEnv = pluginEnv({
          name,
          scope,
          scopeName,
          logger: deps.logger,
          clock: deps.clock,
          consumers,
          settings: config as unknown as Record<string, unknown>,
        });
        let instance: PluginInstance;
        try {
          instance = await def.create(cfg ?? {}, env);
        } catch (err) {
          const where = scope === 'global' ? 'plugins' : `${scope} ${scopeName}`;
          throw new Error(`${where}.${name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
        instances.push(instance);
        layer.set(name, { def, instance, scope });
      }
      return layer;
    };
    const globalLayer = await make(config.plugins, 'global', undefined);
    const serviceLayers = new Map<string, Layer>();
    for (const s of config.services) serviceLayers.set(s.name, await make(s.plugins, 'service', s.name));
    const consumerLayers = new Map<string, Layer>();
    for (const c of config.consumers) {
      if (Object.keys(c.plugins).length > 0) consumerLayers.set(c.id, await make(c.plugins, 'consumer', c.username));
    }
    const routes: CompiledRoute[] = [];
    const specs: RouteSpec<CompiledRoute>[] = [];
    for (const r of config.routes) {
      const routeLayer = await make(r.plugins, 'route', r.name);
      // A split route takes the service-scope plugins of its first service.
      const primary = r.service ?? r.services?.[0]?.name;
      const serviceLayer = primary ? (serviceLayers.get(primary) ?? new Map()) : new Map();
      const layers = [globalLayer, serviceLayer, routeLayer];
      let consumerChains: Map<string, ReturnType<typeof buildChain>> | null = null;
      if (consumerLayers.size > 0) {
        consumerChains = new Map();
        for (const [id, layer] of consumerLayers) consumerChains.set(id, buildChain([...layers, layer], true));
      }
      const split = r.services
        ? new Split(
            r.services.flatMap((e) => {
              const service = services.get(e.name);
              return service ? [{ service, weight: e.weight }] : [];
            }),
            r.sticky,
          )
        : null;
      const mirrorService = r.mirror ? services.get(r.mirror.service) : undefined;
      const mirror: Mirror | null = r.mirror && mirrorService ? { service: mirrorService, fraction: r.mirror.percent / 100 } : null;
      const route: CompiledRoute = {
        name: r.name,
        info: { name: r.name, service: primary },
        service: primary ? (services.get(primary) ?? null) : null,
        split,
        mirror,
        timeouts: routeTimeouts(r),
        stripPath: r.strip_path,
        preserveHost: r.preserve_host,
        chain: buildChain(layers, true),
        consumerChains,
        metrics: deps.metrics.forRoute(r.name, primary ?? ''),
      };
      routes.push(route);
      specs.push({
        name: r.name,
        paths: r.paths,
        methods: r.methods,
        hosts: r.hosts,
        headers: r.headers,
        query: r.query,
        priority: r.priority,
        data: route,
      });
    }
    const table: CompiledTable = {
      hash: loaded.hash,
      file: loaded.file,
      loadedAt: loaded.loadedAt,
      config,
      router: new Router(specs),
      routes,
      services,
      globalChain: buildChain([globalLayer], false),
      noRouteMetrics: deps.metrics.forRoute('', ''),
      limits: {
        maxBodySize: parseSize(config.max_body_size),
        maxHeaders: config.max_headers,
        maxUriLength: parseSize(config.max_uri_length),
        trustedProxies: new CidrSet(config.trusted_proxies),
      },
      instances,
      inflight: 0,
    };
    // Applied to the live runtimes only now that nothing else can fail: a bad config never touches them.
    const ready = Promise.all(serviceSpecs.map((sp) => services.get(sp.name)!.configure(sp)));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ready, new Promise((r) => (timer = setTimeout(r, DISCOVERY_WAIT_MS)))]);
    clearTimeout(timer);
    return { table, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/** The live runtime of every service (kept across reloads by the registry), not yet configured. */
function acquireServices(specs: readonly ServiceSpec[], deps: CompileDeps, acquired: ServiceRuntime[]): Map<string, ServiceRuntime> {
  deps.pools.setup(deps.metrics, deps.clock, deps.logger);
  const out = new Map<string, ServiceRuntime>();
  for (const spec of specs) {
    const rt = deps.pools.acquireService(spec.name);
    acquired.push(rt);
    out.set(spec.name, rt);
  }
  return out;
}

function consumerDecls(consumers: readonly ConsumerConfig[]): ConsumerDecl[] {
  return consumers.map((c) => ({
    id: c.id,
    username: c.username,
    custom_id: c.custom_id,
    groups: c.groups,
    scopes: c.scopes,
    credentials: c.credentials,
  }));
}
