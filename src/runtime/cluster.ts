import cluster, { type Worker } from 'node:cluster';
import { watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from '../observability/logger.ts';
import type { ReloadResult } from './gateway.ts';
import type { ExplainInput, ExplainResult } from './explain.ts';
import type { AdminBackend } from '../admin/backend.ts';
import { findExtension, type AdminAnswer } from '../admin/extensions.ts';
import { startAdmin, type AdminServer } from '../admin/server.ts';
import { loadConfigFile, redactConfig, formatIssue, ConfigError, type LoadedConfig } from '../config/load.ts';
import { lookupPlugin } from '../plugins/registry.ts';
import { aggregateClusterMetrics, clusterMetricsContentType } from '../observability/cluster-metrics.ts';
import { parseDuration } from '../core/duration.ts';
import { VERSION } from '../core/version.ts';

/** Messages between the primary and its workers. */
export type ToWorker =
  | { portico: 'reload'; id: number }
  | { portico: 'explain'; id: number; input: ExplainInput }
  | { portico: 'admin'; id: number; method: string; path: string; query: string; body: unknown }
  | { portico: 'shutdown' };
export type FromWorker =
  | { portico: 'ready'; hash: string }
  | { portico: 'reply'; id: number; result: unknown }
  | { portico: 'failed'; error: string };

interface WorkerState {
  worker: Worker;
  hash: string | null;
}

export interface ClusterOptions {
  configFile: string;
  workers: number;
  watch: boolean;
  logger: Logger;
}

/**
 * The primary of `--workers N`: forks the workers (which run the gateway and share the listen sockets), runs
 * the admin API, fans reloads out to every worker and aggregates their metrics. Memory state is per worker;
 * limits that must hold across workers use the redis store.
 */
export async function startCluster(opts: ClusterOptions): Promise<{ stop(): Promise<void> }> {
  const log = opts.logger;
  let loaded: LoadedConfig = await loadConfigFile(opts.configFile, { plugins: lookupPlugin });
  const startedAt = Date.now();
  const states = new Map<number, WorkerState>();
  const pending = new Map<number, (v: unknown) => void>();
  let nextId = 1;
  let stopping = false;
  let lastReloadError: string[] | null = null;

  const fork = (): void => {
    const w = cluster.fork({ PORTICO_WORKER: '1' });
    states.set(w.id, { worker: w, hash: null });
    w.on('message', (m: FromWorker) => {
      if (m.portico === 'ready') states.get(w.id)!.hash = m.hash;
      else if (m.portico === 'reply') {
        pending.get(m.id)?.(m.result);
        pending.delete(m.id);
      } else if (m.portico === 'failed') log.error({ worker: w.process.pid, error: m.error }, 'worker failed to start');
    });
    w.on('exit', (code, signal) => {
      states.delete(w.id);
      if (stopping) return;
      log.error({ worker: w.process.pid, code, signal }, 'worker exited; starting a new one');
      setTimeout(fork, 1000).unref();
    });
  };

  const ask = (w: Worker, msg: ToWorker & { id: number }, timeoutMs = 15_000): Promise<unknown> =>
    new Promise((resolveAsk) => {
      const timer = setTimeout(() => {
        pending.delete(msg.id);
        resolveAsk({ ok: false, errors: [`worker ${w.process.pid} did not answer`] });
      }, timeoutMs);
      pending.set(msg.id, (v) => {
        clearTimeout(timer);
        resolveAsk(v);
      });
      w.send(msg);
    });

  const reload = async (): Promise<ReloadResult> => {
    let next: LoadedConfig;
    try {
      next = await loadConfigFile(opts.configFile, { plugins: lookupPlugin });
    } catch (err) {
      const errors = err instanceof ConfigError ? err.issues.map(formatIssue) : [String((err as Error).message)];
      log.error({ errors }, 'config reload failed; keeping the current config');
      lastReloadError = errors;
      return { ok: false, errors };
    }
    const asked = [...states.values()];
    const results = (await Promise.all(asked.map((s) => ask(s.worker, { portico: 'reload', id: nextId++ })))) as ReloadResult[];
    // Each worker reports what it now runs; /status shows it per worker.
    results.forEach((r, i) => {
      if (r.ok) asked[i]!.hash = r.hash;
    });
    const failed = results.find((r) => !r.ok);
    if (failed) {
      // The workers refused it (a plugin's create() failed): the config they serve, and that /status and
      // /config describe, is still the previous one.
      lastReloadError = failed.ok ? null : failed.errors;
      return failed;
    }
    loaded = next;
    lastReloadError = null;
    return { ok: true, hash: loaded.hash, changed: true, loadedAt: loaded.loadedAt.toISOString() };
  };

  const backend: AdminBackend = {
    status: () => ({
      version: VERSION,
      pid: process.pid,
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
      config_hash: loaded.hash,
      config_file: loaded.file,
      loaded_at: loaded.loadedAt.toISOString(),
      routes: loaded.config.routes.length,
      services: loaded.config.services.length,
      workers: [...states.values()].map((s) => ({ pid: s.worker.process.pid, config_hash: s.hash })),
      draining: stopping,
      last_reload_error: lastReloadError,
    }),
    config: () => redactConfig(loaded.config),
    ready: () => !stopping && [...states.values()].some((s) => s.hash !== null),
    reload,
    // The primary compiles nothing; a worker answers.
    explain: async (input) => {
      const w = [...states.values()][0]?.worker;
      if (!w) throw new Error('no worker running');
      return (await ask(w, { portico: 'explain', id: nextId++, input })) as ExplainResult;
    },
    metrics: async () => ({ contentType: clusterMetricsContentType, body: await aggregateClusterMetrics() }),
    // Feature endpoints read state that lives in the workers: one worker answers.
    extension: async (method, path, query, body) => {
      if (!findExtension(method, path)) return null;
      const w = [...states.values()][0]?.worker;
      if (!w) return { status: 503, body: { error: 'service_unavailable', message: 'no worker running' } };
      return (await ask(w, { portico: 'admin', id: nextId++, method, path, query, body })) as AdminAnswer | null;
    },
  };
  for (let i = 0; i < opts.workers; i++) fork();
  let admin: AdminServer | null = null;
  if (loaded.config.admin.listen !== 'off') {
    admin = await startAdmin(loaded.config.admin.listen, () => loaded.config.admin.token, backend, log);
  }
  if (opts.watch) {
    let timer: NodeJS.Timeout | null = null;
    const name = basename(opts.configFile);
    watch(dirname(resolve(opts.configFile)), (_e, f) => {
      if (f !== null && f !== name) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void reload(), 200);
    }).unref();
  }
  process.on('SIGHUP', () => void reload());
  log.info({ workers: opts.workers, hash: loaded.hash }, 'portico primary started');

  return {
    stop: async () => {
      stopping = true;
      const grace = parseDuration(loaded.config.shutdown_timeout);
      await Promise.all(
        [...states.values()].map(
          (s) =>
            new Promise<void>((done) => {
              const kill = setTimeout(() => s.worker.process.kill('SIGKILL'), grace + 2000);
              s.worker.once('exit', () => {
                clearTimeout(kill);
                done();
              });
              s.worker.send({ portico: 'shutdown' } satisfies ToWorker);
            }),
        ),
      );
      await admin?.close();
    },
  };
}
