import { performance } from 'node:perf_hooks';
import type { AccessRecord, Ctx } from '../sdk/context.ts';
import type { Chain, CompiledRoute } from '../compile/table.ts';
import type { RouteMetrics } from '../observability/metrics.ts';
import type { PipelineEnv } from './env.ts';

/** What an exchange knows about itself when the client connection is done with it. */
export interface ExchangeFacts {
  route: CompiledRoute | null;
  metrics: RouteMetrics;
  service: string | null;
  upstream: string | null;
  status: number;
  upstreamMs: number | null;
  bytesIn: number;
  bytesOut: number;
}

/**
 * After the response: count it in metrics, write the access-log line and run onLog hooks (never awaited).
 * The record is only built when someone reads it (access log on, or onLog hooks present).
 */
export function logExchange(env: PipelineEnv, ctx: Ctx, chain: Chain, f: ExchangeFacts): void {
  const now = performance.now();
  const consumer = ctx.consumer === null ? null : ctx.consumer.username;
  f.metrics.observe(f.status, (now - ctx.startedAt) / 1000, f.upstreamMs === null ? null : f.upstreamMs / 1000, consumer);
  const hooks = chain.onLog;
  const accessLog = env.accessLog;
  if (!accessLog.enabled && hooks.length === 0) return;
  const record: AccessRecord = {
    request_id: ctx.id,
    timestamp: new Date(Date.now() - (now - ctx.startedAt)).toISOString(),
    method: ctx.method,
    path: ctx.path,
    route: f.route === null ? null : f.route.name,
    service: f.service,
    upstream: f.upstream,
    status: f.status,
    latency_ms: round(now - ctx.startedAt),
    upstream_latency_ms: f.upstreamMs === null ? null : round(f.upstreamMs),
    bytes_in: f.bytesIn,
    bytes_out: f.bytesOut,
    client_ip: ctx.clientIp,
    user_agent: ctx.headers['user-agent'] ?? null,
    consumer,
  };
  for (const k in ctx.logFields) record[k] = ctx.logFields[k];
  accessLog.write(record);
  for (let i = 0; i < hooks.length; i++) {
    const h = hooks[i]!;
    try {
      h.fn(ctx, record);
    } catch (err) {
      env.logger.error({ request_id: ctx.id, plugin: h.plugin, phase: 'onLog', err: errInfo(err) }, 'plugin error');
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export function errInfo(err: unknown): { message: string; stack?: string | undefined } {
  if (err instanceof Error) return { message: err.message, stack: err.stack };
  return { message: String(err) };
}
