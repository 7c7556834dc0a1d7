import { watch, type FSWatcher } from 'node:fs';
import { collectLoadGarbage } from './heap.ts';
import { basename, dirname, resolve } from 'node:path';
import type { CompiledTable } from '../compile/table.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { Logger } from '../observability/logger.ts';
import type { PipelineEnv } from '../pipeline/env.ts';
import type { PluginDefinition } from '../sdk/plugin.ts';
import type { PluginLookup } from '../config/load.ts';
import { loadConfigFile, loadConfigText, ConfigError, formatIssue } from '../config/load.ts';
import { compileTable, type Compiled } from '../compile/compile.ts';
import { lookupPlugin } from '../plugins/registry.ts';
import { PoolRegistry } from '../upstream/pools.ts';
import { Metrics } from '../observability/metrics.ts';
import { storeMetrics } from '../store/metrics.ts';
import { AccessLog } from '../observability/access-log.ts';
import { createRequestListener } from '../pipeline/entry.ts';
import { listen, type Listener, type ServerLimits } from '../server/listener.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { parseDuration } from '../core/duration.ts';
import { parseSize } from '../core/size.ts';

export interface GatewayOptions {
  /** Path of the YAML/JSON config file (reloads re-read it). */
  configFile?: string;
  /** Or the config text itself (tests); `reload(text)` replaces it. */
  configText?: string;
  env?: Record<string, string | undefined>;
  logger: Logger;
  metrics?: Metrics;
  clock?: Clock;
  /** Re-read the file when it changes. */
  watch?: boolean;
  /** Custom plugins besides the built-ins (a custom plugin may not reuse a built-in's name). */
  plugins?: readonly PluginDefinition[];
}

export type ReloadResult =
  | { ok: true; hash: string; changed: boolean; loadedAt: string }
  | { ok: false; errors: string[] };

interface Active {
  compiled: Compiled;
  retired: boolean;
}

/**
 * Owns the current compiled table and the listeners. Reload = parse → validate → compile beside the current
 * table → swap in one assignment; the old table keeps serving the requests pinned to it and is disposed when
 * the last one finishes. A bad config never replaces a good one.
 */
export class Gateway {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly pools = new PoolRegistry();
  readonly startedAt = new Date();
  private readonly opts: GatewayOptions;
  private readonly clock: Clock;
  private readonly lookup: PluginLookup;
  private active!: Active;
  private readonly byTable = new Map<CompiledTable, Active>();
  private listeners: Listener[] = [];
  private accessLog!: AccessLog;
  private isDraining = false;
  private watcher: FSWatcher | null = null;
  private reloading: Promise<ReloadResult> | null = null;
  private configText: string | undefined;
  lastReloadError: string[] | null = null;

  private constructor(opts: GatewayOptions) {
    this.opts = opts;
    this.logger = opts.logger;
    this.metrics = opts.metrics ?? new Metrics();
    this.metrics.include(storeMetrics);
    this.clock = opts.clock ?? systemClock;
    this.configText = opts.configText;
    const custom = new Map((opts.plugins ?? []).map((p) => [p.name, p]));
    for (const name of custom.keys()) {
      if (lookupPlugin(name)) throw new Error(`custom plugin "${name}" has the name of a built-in plugin`);
    }
    this.lookup = custom.size === 0 ? lookupPlugin : (name) => custom.get(name) ?? lookupPlugin(name);
  }

  /** Loads, compiles and starts listening; throws ConfigError with every issue on a bad file. */
  static async start(opts: GatewayOptions): Promise<Gateway> {
    const gw = new Gateway(opts);
    const loaded = await gw.load();
    gw.accessLog = new AccessLog(loaded.config.log.access);
    gw.logger.level = loaded.config.log.level;
    const compiled = await compileTable(loaded, gw.deps());
    gw.install(compiled);
    collectLoadGarbage();
    try {
      await gw.openListeners(compiled.table);
    } catch (err) {
      await gw.stop(0);
      throw err;
    }
    if (opts.watch && opts.configFile) gw.watchFile(opts.configFile);
    gw.logger.info(
      { hash: loaded.hash, routes: loaded.config.routes.length, listen: gw.listeners.map((l) => `${l.address}`) },
      'portico started',
    );
    return gw;
  }

  get table(): CompiledTable {
    return this.active.compiled.table;
  }

  get draining(): boolean {
    return this.isDraining;
  }

  /** Bound ports of the proxy listeners, in config order. */
  ports(): number[] {
    return this.listeners.map((l) => l.port());
  }

  /** Re-reads the config (or takes new text) and swaps it in; concurrent calls share one reload. */
  reload(text?: string): Promise<ReloadResult> {
    if (text !== undefined) this.configText = text;
    if (this.reloading) return this.reloading;
    this.reloading = this.doReload().finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  private async doReload(): Promise<ReloadResult> {
    let loaded: LoadedConfig;
    let compiled: Compiled;
    try {
      loaded = await this.load();
      compiled = await compileTable(loaded, this.deps());
    } catch (err) {
      const errors = err instanceof ConfigError ? err.issues.map(formatIssue) : [err instanceof Error ? err.message : String(err)];
      this.lastReloadError = errors;
      this.metrics.reloaded(false);
      this.logger.error({ errors }, 'config reload failed; keeping the current config');
      return { ok: false, errors };
    }
    const changed = loaded.hash !== this.table.hash;
    const config = loaded.config;
    let nextLog: AccessLog | null = null;
    try {
      // Open a changed access-log target first: a bad path must fail the reload, not the requests after it.
      if (config.log.access !== this.accessLog.target) nextLog = new AccessLog(config.log.access);
      await this.syncListeners(config.listen.map((l) => l.address), compiled.table);
    } catch (err) {
      await compiled.dispose();
      void nextLog?.close();
      const errors = [err instanceof Error ? err.message : String(err)];
      this.lastReloadError = errors;
      this.metrics.reloaded(false);
      this.logger.error({ errors }, 'config reload failed; keeping the current config');
      return { ok: false, errors };
    }
    this.logger.level = config.log.level;
    if (nextLog !== null) {
      const old = this.accessLog;
      this.accessLog = nextLog;
      void old.close();
    }
    this.install(compiled);
    this.lastReloadError = null;
    this.logger.info({ hash: loaded.hash, changed }, 'config reloaded');
    return { ok: true, hash: loaded.hash, changed, loadedAt: loaded.loadedAt.toISOString() };
  }

  /** SIGTERM: stop accepting, answer in-flight requests with Connection: close, close idle sockets, wait. */
  async stop(graceMs?: number): Promise<void> {
    this.isDraining = true;
    this.watcher?.close();
    const grace = graceMs ?? (this.active ? parseDuration(this.table.config.shutdown_timeout) : 0);
    await Promise.all(this.listeners.map((l) => l.close(grace)));
    this.listeners = [];
    if (this.active) {
      for (const a of this.byTable.values()) await a.compiled.dispose();
      this.byTable.clear();
    }
    await this.pools.closeAll();
    await this.accessLog?.close();
  }

  private deps() {
    return { plugins: this.lookup, pools: this.pools, metrics: this.metrics, logger: this.logger, clock: this.clock };
  }

  private async load(): Promise<LoadedConfig> {
    const opts = { plugins: this.lookup, env: this.opts.env };
    let loaded: LoadedConfig;
    if (this.configText !== undefined) loaded = loadConfigText(this.configText, this.opts.configFile ?? 'config.yaml', opts);
    else if (!this.opts.configFile) throw new Error('no config file or text given');
    else loaded = await loadConfigFile(this.opts.configFile, opts);
    // What `portico validate` warns about is said on every start and reload too.
    for (const w of loaded.warnings) this.logger.warn({ warning: formatIssue(w) }, 'config warning');
    return loaded;
  }

  private install(compiled: Compiled): void {
    const prev = this.active;
    const next: Active = { compiled, retired: false };
    this.byTable.set(compiled.table, next);
    this.active = next;
    this.metrics.configInfo(compiled.table.hash);
    this.metrics.flags.consumerLabel = compiled.table.config.metrics.consumer_label;
    if (prev) {
      this.metrics.reloaded(true);
      prev.retired = true;
      this.maybeDispose(prev);
    }
    for (const l of this.listeners) l.update(serverLimits(compiled.table));
  }

  private maybeDispose(a: Active): void {
    if (!a.retired || a.compiled.table.inflight > 0) return;
    this.byTable.delete(a.compiled.table);
    void a.compiled.dispose();
  }

  private pipelineEnv(): PipelineEnv {
    const accessLog = (): AccessLog => this.accessLog;
    return {
      logger: this.logger,
      get accessLog() {
        return accessLog();
      },
      release: (t: CompiledTable) => {
        t.inflight--;
        this.metrics.inFlight.dec();
        if (t !== this.table) {
          const a = this.byTable.get(t);
          if (a) this.maybeDispose(a);
        }
      },
      draining: () => this.isDraining,
    };
  }

  private acquire = (): CompiledTable => {
    const t = this.active.compiled.table;
    t.inflight++;
    this.metrics.inFlight.inc();
    return t;
  };

  private async openListeners(table: CompiledTable): Promise<void> {
    await this.syncListeners(table.config.listen.map((l) => l.address), table);
  }

  /** Opens listeners for new addresses and closes those no longer configured (draining them). */
  private async syncListeners(addresses: string[], table: CompiledTable): Promise<void> {
    // A listener bound to port 0 also answers to the port it actually got.
    const matches = (l: Listener, addr: string): boolean =>
      l.address === addr || `${l.address.slice(0, l.address.lastIndexOf(':'))}:${l.port()}` === addr;
    const keep = this.listeners.filter((l) => addresses.some((a) => matches(l, a)));
    const drop = this.listeners.filter((l) => !keep.includes(l));
    const opened: Listener[] = [];
    try {
      for (const addr of addresses) {
        if (keep.some((l) => matches(l, addr)) || opened.some((l) => matches(l, addr))) continue;
        const facts = { scheme: 'http' as const, port: 0 };
        const handler = createRequestListener(this.pipelineEnv(), this.acquire, facts);
        const l = await listen(addr, serverLimits(table), handler, (status) => this.table.noRouteMetrics.observe(status, 0, null));
        facts.port = l.port();
        opened.push(l);
      }
    } catch (err) {
      await Promise.all(opened.map((l) => l.close(0)));
      throw err;
    }
    this.listeners = [...keep, ...opened];
    const grace = parseDuration(table.config.shutdown_timeout);
    for (const l of drop) void l.close(grace);
  }

  /** Watches the file's folder (editors replace files by rename, which a file watch would lose). */
  private watchFile(file: string): void {
    let timer: NodeJS.Timeout | null = null;
    const name = basename(file);
    try {
      this.watcher = watch(dirname(resolve(file)), (_event, changed) => {
        if (changed !== null && changed !== name) return;
        if (timer) clearTimeout(timer);
        // Editors write files in several steps; wait for the burst to end.
        timer = setTimeout(() => void this.reload(), 200);
      });
      this.watcher.on('error', (err) => this.logger.warn({ err: err.message }, 'config watch failed'));
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'cannot watch config file');
    }
  }
}

function serverLimits(table: CompiledTable): ServerLimits {
  const c = table.config;
  return {
    headerTimeout: parseDuration(c.header_timeout),
    requestTimeout: parseDuration(c.request_timeout),
    keepAliveTimeout: parseDuration(c.keep_alive_timeout),
    maxHeaderSize: parseSize(c.max_header_size),
    maxHeaders: c.max_headers,
  };
}
