import { performance } from 'node:perf_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Ctx, HeaderMap } from '../sdk/context.ts';
import type { ServiceRuntime } from '../upstream/service.ts';
import type { Target } from '../upstream/target.ts';
import type { Timeouts } from '../upstream/spec.ts';
import type { CallSink } from './call.ts';
import { UpstreamCall } from './call.ts';
import { ClientGone, ConnectTimeout, FirstByteTimeout, TotalTimeout, failureKind } from './errors.ts';
import { PRECISE_FIRST_BYTE_MS, preciseIdle } from '../upstream/spec.ts';
import { GatewayError, ErrorCode } from '../core/errors.ts';
import { backoff, retryable, type FailureKind } from '../upstream/retry.ts';

/** A refusal before any upstream is tried (breaker open, load shed): 503 with Retry-After. */
export class Refused extends GatewayError {
  readonly retryAfter: number;
  constructor(message: string, retryAfter: number) {
    super(503, ErrorCode.serviceUnavailable, message);
    this.retryAfter = retryAfter;
  }
}

/** Everything an exchange with a managed service needs. */
export interface AttemptsInput {
  ctx: Ctx;
  req: IncomingMessage;
  res: ServerResponse;
  service: ServiceRuntime;
  timeouts: Timeouts;
  preserveHost: boolean;
  /** The path to send to a target with this base path. */
  pathFor: (basePath: string) => string;
  query: string;
  /** A streamed body (never resent), a buffered one (resendable), or none. */
  body: Readable | Buffer | null;
  /** The exchange: gets the one head/end/error of the winning attempt. */
  sink: CallSink;
}

/**
 * One client request against a managed service: breaker and load-shedding checks, then attempts — each on a
 * target from the balancer (a retry avoids the previous one), booked into in-flight counts, latency, passive
 * health and breakers — with retries under the policy and the budget, and the connect/total timers. Streamed
 * bodies are never resent: a request whose body was streamed gets no retry.
 */
export class Attempts implements CallSink {
  call: UpstreamCall | null = null;
  label: string | null = null;
  startedAt = 0;
  private readonly in: AttemptsInput;
  private target: Target | null = null;
  private attemptAt = 0;
  private booked = true;
  private tries = 0;
  private hash = 0;
  private done = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private totalTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private firstByteTimer: NodeJS.Timeout | null = null;
  private bytesBefore = 0;

  constructor(input: AttemptsInput) {
    this.in = input;
  }

  get bytesOut(): number {
    return this.bytesBefore + (this.call?.bytesOut ?? 0);
  }

  get headersAt(): number {
    return this.call?.headersAt ?? 0;
  }

  start(): void {
    const { service, timeouts } = this.in;
    const now = service.now();
    const refusal = service.admit(now);
    if (refusal !== null) return this.finish(new Refused(refusal.reason, refusal.retryAfter));
    this.startedAt = performance.now();
    this.hash = service.hashOf(this.in.ctx);
    service.budget?.request(now);
    if (timeouts.total > 0) {
      this.totalTimer = setTimeout(() => this.onTotal(), timeouts.total);
    }
    this.attempt(null);
  }

  abortFromClient(): void {
    this.clearTimers();
    if (this.call !== null) this.call.abortFromClient();
    this.done = true;
  }

  private attempt(exclude: Target | null): void {
    if (this.done) return;
    const { ctx, service, timeouts, req } = this.in;
    const now = service.now();
    const t = service.choose(this.hash, exclude, now);
    if (t === undefined) {
      return this.finish(new Refused(`service ${service.name} has no target that can take the request`, 1));
    }
    service.begin(t);
    this.target = t;
    this.booked = false;
    this.label = t.label;
    this.attemptAt = performance.now();
    const headers = ctx.upstreamHeaders;
    headers.host = this.in.preserveHost && req.headers.host !== undefined ? req.headers.host : t.hostHeader;
    const path = this.in.pathFor(t.basePath);
    if (this.call !== null) this.bytesBefore += this.call.bytesOut;
    const call = (this.call = new UpstreamCall(this.in.res, this));
    const p = service.retries;
    if (p !== null && this.tries < p.attempts && !isStream(this.in.body)) call.retryOn = p.statuses;
    if (timeouts.connect > 0 && timeouts.connect < service.timeouts.connect) {
      const ms = timeouts.connect;
      this.connectTimer = setTimeout(() => {
        if (!call.started) call.cancel(new ConnectTimeout(ms));
      }, ms);
    }
    call.idleMs = preciseIdle(timeouts.idle);
    const fb = timeouts.firstByte;
    if (fb > 0 && fb < PRECISE_FIRST_BYTE_MS && !isStream(this.in.body)) {
      // Counted from the request's start on a connection, as undici counts (not the wait for a free
      // connection, which `connect` covers); a streamed upload is left to undici's timer, which starts
      // once the body is sent.
      call.onStarted = () => {
        this.firstByteTimer = setTimeout(() => call.cancel(new FirstByteTimeout(fb)), fb);
      };
    }
    t.pool.dispatch(
      {
        path: this.in.query === '' ? path : `${path}?${this.in.query}`,
        method: ctx.method,
        headers,
        body: this.in.body,
        headersTimeout: timeouts.firstByte,
        bodyTimeout: timeouts.idle,
      },
      call,
    );
  }

  /** Books the current attempt once. */
  private book(kind: FailureKind | null, status: number): void {
    if (this.booked || this.target === null) return;
    this.booked = true;
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    if (this.firstByteTimer !== null) clearTimeout(this.firstByteTimer);
    const s = this.in.service;
    s.end(this.target, { kind, status, ms: performance.now() - this.attemptAt }, s.now());
  }

  /** Whether the failure may be retried now; if so counts the retry (attempts and budget). */
  private mayRetry(kind: FailureKind, status: number): boolean {
    const { service, ctx } = this.in;
    const p = service.retries;
    if (p === null || this.done || this.tries >= p.attempts || isStream(this.in.body)) return false;
    if (!retryable(p, kind, status, ctx.method, this.call?.started ?? true)) return false;
    if (service.budget !== null && !service.budget.tryRetry(service.now())) return false;
    this.tries++;
    service.countRetry();
    return true;
  }

  private scheduleRetry(): void {
    const p = this.in.service.retries!;
    const prev = this.target;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.attempt(prev);
    }, backoff(p, this.tries));
  }

  retryStatus(status: number): boolean {
    this.book('status', status);
    return this.mayRetry('status', status);
  }

  retry(): void {
    this.scheduleRetry();
  }

  head(status: number, headers: HeaderMap): void | Promise<void> {
    this.book(null, status);
    this.clearTimersExceptTotal();
    return this.in.sink.head(status, headers);
  }

  end(): void {
    this.clearTimers();
    this.done = true;
    this.in.sink.end();
  }

  error(err: Error, headersSent: boolean): void {
    if (err instanceof ClientGone) {
      this.book('cancelled', 0);
      return this.finish(err, headersSent);
    }
    const kind = failureKind(err);
    this.book(kind, 0);
    if (!headersSent && !(err instanceof TotalTimeout) && this.mayRetry(kind, 0)) return this.scheduleRetry();
    this.finish(err, headersSent);
  }

  private onTotal(): void {
    this.totalTimer = null;
    const err = new TotalTimeout(this.in.timeouts.total);
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      return this.finish(err);
    }
    if (this.call !== null) this.call.cancel(err);
  }

  private finish(err: Error, headersSent = false): void {
    if (this.done) return;
    this.done = true;
    this.clearTimers();
    this.in.sink.error(err, headersSent);
  }

  private clearTimersExceptTotal(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    if (this.firstByteTimer !== null) clearTimeout(this.firstByteTimer);
  }

  private clearTimers(): void {
    this.clearTimersExceptTotal();
    if (this.totalTimer !== null) clearTimeout(this.totalTimer);
    this.totalTimer = null;
  }
}

function isStream(b: Readable | Buffer | null): boolean {
  return b !== null && !Buffer.isBuffer(b);
}
