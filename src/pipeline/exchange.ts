import { performance } from 'node:perf_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { HeaderMap, Reply, ResponseHead } from '../sdk/context.ts';
import { logExchange, errInfo } from './log.ts';
import type { Chain, CompiledRoute, CompiledTable } from '../compile/table.ts';
import type { CallSink } from '../proxy/call.ts';
import type { PipelineEnv } from './env.ts';
import type { RequestContext } from './context.ts';
import type { BodyCounter } from '../proxy/body.ts';
import { UpstreamCall } from '../proxy/call.ts';
import { limitedBody } from '../proxy/body.ts';
import { classifyUpstreamError, ClientGone } from '../proxy/errors.ts';
import { Attempts, Refused } from '../proxy/attempts.ts';
import { sendMirror, readAll, mergeTimeouts, appendHeader } from '../proxy/traffic.ts';
import type { ServiceRuntime } from '../upstream/service.ts';
import type { Split } from '../upstream/split.ts';
import type { Target } from '../upstream/target.ts';
import { peakEwma } from '../upstream/ewma.ts';
import { preciseIdle } from '../upstream/spec.ts';
import { ErrorCode } from '../core/errors.ts';
import { PluginFailure, runPhase, runResponsePhase, type PhaseResult } from './runner.ts';
import { runAccess } from './access.ts';
import { joinPath } from './paths.ts';

const STEP_GLOBAL_REQUEST = 0;
const STEP_ROUTE = 1;
const STEP_ROUTE_REQUEST = 2;
const STEP_ACCESS = 3;
const STEP_UPSTREAM_REQUEST = 4;
const STEP_PROXY = 5;
/** The step answered or handed the request on itself; the walk ends. */
const STOP = Symbol('stop');

function isPromise<T>(v: unknown): v is Promise<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * One request's walk down the corridor: global onRequest → route → onRequest → onAccess →
 * onUpstreamRequest → upstream → onResponseHeaders → onLog. Synchronous while every hook is; a hook that
 * returns a promise moves the rest of the walk onto it.
 */
export class Exchange implements CallSink {
  private readonly env: PipelineEnv;
  private readonly table: CompiledTable;
  private readonly ctx: RequestContext;
  private readonly req: IncomingMessage;
  private readonly res: ServerResponse;
  private route: CompiledRoute | null = null;
  /** The chain later phases use (route's, or a consumer's once auth picked one); see access.ts. */
  chain: Chain;
  private status = 0;
  private upstreamLabel: string | null = null;
  private upstreamStart = 0;
  private call: { readonly bytesOut: number; readonly headersAt: number; abortFromClient(): void } | null = null;
  private service: ServiceRuntime | null = null;
  private managedCall: Attempts | null = null;
  private counter: BodyCounter | null = null;
  private localBytes = 0;
  private done = false;
  private fastTarget: Target | null = null;

  constructor(env: PipelineEnv, table: CompiledTable, ctx: RequestContext, req: IncomingMessage, res: ServerResponse) {
    this.env = env;
    this.table = table;
    this.ctx = ctx;
    this.req = req;
    this.res = res;
    this.chain = table.globalChain;
    res.once('close', () => this.onClose());
  }

  run(): void {
    this.walk(STEP_GLOBAL_REQUEST);
  }

  /**
   * Walks the request phases from `from`. Synchronous while every hook is (no closure or promise per phase);
   * a hook that returns a promise moves the rest of the walk onto it. A reply ends the walk.
   */
  private walk(from: number): void {
    try {
      for (let step = from; step <= STEP_PROXY; step++) {
        const r = this.step(step);
        if (r === STOP || r === undefined) {
          if (r === STOP) return;
          continue;
        }
        if (isPromise<PhaseResult>(r)) {
          const next = step + 1;
          r.then(
            (v) => (v ? this.sendReply(v) : this.walk(next)),
            (err: unknown) => this.fail(err),
          );
          return;
        }
        this.sendReply(r);
        return;
      }
    } catch (err) {
      this.fail(err);
    }
  }

  private step(step: number): PhaseResult | Promise<PhaseResult> | typeof STOP {
    const ctx = this.ctx;
    switch (step) {
      case STEP_GLOBAL_REQUEST:
        return runPhase(this.table.globalChain.onRequest, ctx, 'onRequest');
      case STEP_ROUTE:
        return this.routeRequest() ? undefined : STOP;
      case STEP_ROUTE_REQUEST:
        return runPhase(this.route!.chain.onRequest, ctx, 'onRequest');
      case STEP_ACCESS:
        return runAccess(this.route!, ctx, this);
      case STEP_UPSTREAM_REQUEST:
        return runPhase(this.chain.onUpstreamRequest, ctx, 'onUpstreamRequest');
      default:
        this.proxy();
        return STOP;
    }
  }

  /** Routes the request; false when it was answered (404). */
  private routeRequest(): boolean {
    const ctx = this.ctx;
    const m = this.table.router.match({
      method: ctx.method,
      host: ctx.host,
      path: ctx.path,
      headers: ctx.headers,
      query: ctx.rawQuery,
    });
    if (m === null) {
      this.sendReply(ctx.replyError(404, ErrorCode.noRoute, `no route matches ${ctx.method} ${ctx.path}`));
      return false;
    }
    const route = m.route.data;
    this.route = route;
    this.chain = route.chain;
    ctx.route = route.info;
    ctx.params = m.params;
    ctx.upstreamPath = route.stripPath ? m.rest : ctx.path;
    return true;
  }

  private proxy(): void {
    const ctx = this.ctx;
    const route = this.route!;
    let service = route.service;
    if (route.split !== null) service = this.splitService(route.split);
    if (service === null) {
      this.sendReply(ctx.replyError(503, ErrorCode.serviceUnavailable, `route ${route.name} has no service`));
      return;
    }
    this.service = service;
    if (service.managed || route.timeouts !== null) {
      this.managed(service, route);
      return;
    }
    const target = service.keyOf === null ? service.pick() : service.pick(service.hashOf(ctx));
    if (target === undefined) {
      this.sendReply(ctx.replyError(503, ErrorCode.serviceUnavailable, `service ${service.name} has no target`));
      return;
    }
    const body = this.requestBody();
    if (body === false) return;
    if (route.mirror !== null && body === null) sendMirror(route.mirror, ctx, null, (base) => joinPath(base, ctx.upstreamPath));
    const req = this.req;
    const headers = ctx.upstreamHeaders;
    if (route.preserveHost && req.headers.host !== undefined) headers.host = req.headers.host;
    else headers.host = target.hostHeader;
    const path = joinPath(target.basePath, ctx.upstreamPath);
    this.upstreamLabel = target.label;
    this.upstreamStart = performance.now();
    // Unmanaged services book only what /upstreams shows (in-flight, latency): two counters, no timers.
    this.fastTarget = target;
    target.inflight++;
    service.inflight++;
    const call = (this.call = new UpstreamCall(this.res, this));
    call.idleMs = preciseIdle(service.timeouts.idle);
    target.pool.dispatch(
      {
        path: ctx.upstreamQuery === '' ? path : `${path}?${ctx.upstreamQuery}`,
        method: ctx.method,
        headers,
        body,
        headersTimeout: service.timeouts.firstByte,
        bodyTimeout: service.timeouts.idle,
      },
      call,
    );
  }

  /** The request body to forward: null for none, a stream, or false when a 413 was sent. */
  private requestBody(): Readable | null | false {
    const ctx = this.ctx;
    const req = this.req;
    const cl = req.headers['content-length'];
    if (cl !== undefined) {
      const n = Number(cl);
      if (n > ctx.maxBodySize) {
        this.sendReply(
          ctx.replyError(413, ErrorCode.payloadTooLarge, `request body of ${n} bytes exceeds ${ctx.maxBodySize}`),
        );
        return false;
      }
      return n > 0 ? req : null;
    }
    if (req.headers['transfer-encoding'] !== undefined) {
      this.counter = { bytes: 0 };
      return Readable.from(limitedBody(req, ctx.maxBodySize, this.counter), { objectMode: false });
    }
    return null;
  }

  /** Picks the side of a weighted split; a new cookie-sticky user gets the cookie that pins them. */
  private splitService(split: Split): ServiceRuntime | null {
    const choice = split.choose(this.ctx);
    if (choice === null) return null;
    if (choice.setCookie !== null) appendHeader(this.ctx.responseHeaders, 'set-cookie', choice.setCookie);
    return choice.service;
  }

  /** A service with health, breakers, limits, retries or timers: attempts booked one by one (proxy/attempts.ts). */
  private managed(service: ServiceRuntime, route: CompiledRoute): void {
    const ctx = this.ctx;
    const body = this.requestBody();
    if (body === false) return;
    const go = (payload: Readable | Buffer | null): void => {
      if (route.mirror !== null && (payload === null || Buffer.isBuffer(payload))) sendMirror(route.mirror, ctx, payload, (base) => joinPath(base, ctx.upstreamPath));
      const attempts = new Attempts({
        ctx,
        req: this.req,
        res: this.res,
        service,
        timeouts: mergeTimeouts(service.timeouts, route.timeouts),
        preserveHost: route.preserveHost,
        pathFor: (base) => joinPath(base, ctx.upstreamPath),
        query: ctx.upstreamQuery,
        body: payload,
        sink: this,
      });
      this.call = attempts;
      this.upstreamStart = performance.now();
      this.managedCall = attempts;
      attempts.start();
    };
    const p = service.retries;
    // A small body is read first so a retry can resend it; a larger or chunked one streams and is never retried.
    if (body !== null && p !== null && body === this.req && Number(this.req.headers['content-length']) <= p.bufferBody) {
      readAll(this.req).then(go, (err: unknown) => this.error(err instanceof Error ? err : new Error(String(err)), false));
      return;
    }
    go(body);
  }

  /** CallSink: the upstream answered. */
  head(status: number, headers: HeaderMap): void | Promise<void> {
    const t = this.fastTarget;
    if (t !== null) {
      const now = performance.now();
      t.ewma = peakEwma(t.ewma, t.ewmaAt, now - this.upstreamStart, now);
      t.ewmaAt = now;
    }
    const head: ResponseHead = { status, headers, fromUpstream: true };
    this.decorate(headers);
    const r = runResponsePhase(this.chain.onResponseHeaders, this.ctx, head);
    if (r) return r.then(() => this.writeHead(head));
    this.writeHead(head);
  }

  /** CallSink: the body was passed on completely. */
  end(): void {}

  /** CallSink: the exchange failed. */
  error(err: Error, headersSent: boolean): void {
    if (err instanceof ClientGone || this.res.destroyed) {
      this.status = 499;
      return;
    }
    const c = classifyUpstreamError(err);
    this.ctx.logFields.upstream_error = c.kind;
    if (err instanceof PluginFailure) {
      this.fail(err);
      return;
    }
    if (headersSent) {
      // Never a clean-looking truncated response: cut the connection so the client sees the failure.
      this.env.logger.warn({ request_id: this.ctx.id, err: err.message }, 'upstream failed mid-response');
      this.res.destroy(err);
      return;
    }
    const extra = err instanceof Refused ? { 'retry-after': String(err.retryAfter) } : undefined;
    this.sendReply(this.ctx.replyError(c.status, c.code, c.message, extra));
  }

  private decorate(headers: HeaderMap): void {
    headers['x-request-id'] = this.ctx.id;
    const extra = this.ctx.responseHeaders;
    for (const k in extra) headers[k] = extra[k]!;
    if (this.env.draining()) headers.connection = 'close';
  }

  private writeHead(head: ResponseHead): void {
    this.status = head.status;
    if (this.res.destroyed) return;
    this.res.writeHead(head.status, head.headers);
  }

  private sendReply(reply: Reply): void {
    if (this.res.headersSent || this.res.destroyed) return;
    const headers: HeaderMap = {};
    for (const k in reply.headers) {
      const v = reply.headers[k];
      if (v !== undefined) headers[k.toLowerCase()] = typeof v === 'number' ? String(v) : v;
    }
    const body = this.ctx.method === 'HEAD' ? '' : reply.body;
    headers['content-length'] = String(Buffer.byteLength(reply.body));
    // An early reply leaves an unread request body behind; close rather than read it all to keep the socket.
    if (!this.req.complete && hasBody(this.req)) headers.connection = 'close';
    this.decorate(headers);
    const head: ResponseHead = { status: reply.status, headers, fromUpstream: false };
    const write = (): void => {
      this.writeHead(head);
      this.localBytes = Buffer.byteLength(body);
      this.res.end(body);
    };
    let r: void | Promise<void>;
    try {
      r = runResponsePhase(this.chain.onResponseHeaders, this.ctx, head);
    } catch (err) {
      this.failHard(err);
      return;
    }
    if (r) r.then(write, (err: unknown) => this.failHard(err));
    else write();
  }

  /** A plugin threw: 500 PLUGIN_ERROR, logged with plugin and phase. */
  private fail(err: unknown): void {
    if (err instanceof PluginFailure) {
      this.env.logger.error(
        { request_id: this.ctx.id, plugin: err.plugin, phase: err.phase, err: errInfo(err.cause) },
        'plugin error',
      );
      this.ctx.logFields.plugin_error = err.plugin;
      this.sendReply(this.ctx.replyError(500, ErrorCode.pluginError, `plugin ${err.plugin} failed`));
      return;
    }
    this.env.logger.error({ request_id: this.ctx.id, err: errInfo(err) }, 'request failed');
    this.sendReply(this.ctx.replyError(500, ErrorCode.internal, 'internal error'));
  }

  /** Failure while answering: no more plugins, a bare 500 (or cut the connection if a head went out). */
  private failHard(err: unknown): void {
    this.env.logger.error({ request_id: this.ctx.id, err: errInfo(err) }, 'failed while replying');
    if (this.res.headersSent) {
      this.res.destroy();
      return;
    }
    this.status = 500;
    const body = JSON.stringify({ error: ErrorCode.internal, message: 'internal error', request_id: this.ctx.id });
    this.res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    this.res.end(body);
  }

  private onClose(): void {
    if (this.done) return;
    this.done = true;
    if (this.fastTarget !== null) {
      this.fastTarget.inflight--;
      this.service!.inflight--;
    }
    if (!this.res.writableFinished) {
      this.call?.abortFromClient();
      if (this.status === 0 || !this.res.headersSent) this.status = 499;
    }
    this.log();
    this.env.release(this.table);
  }

  private log(): void {
    const call = this.call;
    const cl = this.req.headers['content-length'];
    logExchange(this.env, this.ctx, this.chain, {
      route: this.route,
      metrics: this.route === null ? this.table.noRouteMetrics : this.route.metrics,
      service: this.service?.name ?? this.route?.service?.name ?? null,
      upstream: this.upstreamLabel ?? this.managedCall?.label ?? null,
      status: this.status,
      upstreamMs: call !== null && call.headersAt > 0 ? call.headersAt - this.upstreamStart : null,
      bytesIn: this.counter !== null ? this.counter.bytes : cl !== undefined ? Number(cl) || 0 : 0,
      bytesOut: call !== null ? call.bytesOut + this.localBytes : this.localBytes,
    });
  }
}

function hasBody(req: IncomingMessage): boolean {
  const cl = req.headers['content-length'];
  return (cl !== undefined && cl !== '0') || req.headers['transfer-encoding'] !== undefined;
}
