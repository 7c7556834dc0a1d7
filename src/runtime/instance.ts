import type { AdminBackend } from '../admin/backend.ts';
import type { Logger } from '../observability/logger.ts';
import { startAdmin, type AdminServer } from '../admin/server.ts';
import { runExtension } from '../admin/extensions.ts';
import { Gateway, type GatewayOptions } from './gateway.ts';
import { explainRequest } from './explain.ts';
import { redactConfig } from '../config/load.ts';
import { VERSION } from '../core/version.ts';

/** A running single-process Portico: the gateway and (unless `admin.listen: off`) its admin API. */
export interface Instance {
  readonly gateway: Gateway;
  readonly admin: AdminServer | null;
  /** Drain and close everything. */
  stop(graceMs?: number): Promise<void>;
}

/** The admin view of one gateway process. */
export function gatewayBackend(gw: Gateway, extra: () => Record<string, unknown> = () => ({})): AdminBackend {
  return {
    status: () => ({
      version: VERSION,
      pid: process.pid,
      uptime_s: Math.round((Date.now() - gw.startedAt.getTime()) / 1000),
      config_hash: gw.table.hash,
      config_file: gw.table.file,
      loaded_at: gw.table.loadedAt.toISOString(),
      routes: gw.table.routes.length,
      services: gw.table.services.size,
      listeners: gw.ports(),
      draining: gw.draining,
      last_reload_error: gw.lastReloadError,
      ...extra(),
    }),
    config: () => redactConfig(gw.table.config),
    ready: () => !gw.draining,
    reload: () => gw.reload(),
    explain: (input) => explainRequest(gw.table, input),
    metrics: async () => ({ contentType: gw.metrics.contentType, body: await gw.metrics.text() }),
    extension: (method, path, query, body) => runExtension(gw, method, path, query, body),
  };
}

export async function startInstance(opts: GatewayOptions & { logger: Logger }): Promise<Instance> {
  const gateway = await Gateway.start(opts);
  let admin: AdminServer | null = null;
  const adminCfg = gateway.table.config.admin;
  if (adminCfg.listen !== 'off') {
    try {
      admin = await startAdmin(adminCfg.listen, () => gateway.table.config.admin.token, gatewayBackend(gateway), opts.logger);
    } catch (err) {
      await gateway.stop(0);
      throw err;
    }
  }
  return {
    gateway,
    admin,
    stop: async (graceMs?: number) => {
      // Admin stays up while draining so /ready answers 503 to the load balancer.
      await gateway.stop(graceMs);
      await admin?.close();
    },
  };
}
