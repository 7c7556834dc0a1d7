import type { Ctx, Reply, ResponseHead } from '../sdk/context.ts';
import type { HookResult, RequestHook } from '../sdk/plugin.ts';
import type { HookEntry, ResponseHook } from '../compile/table.ts';

/** A plugin hook threw or rejected: a bug in the plugin, answered with 500 PLUGIN_ERROR. */
export class PluginFailure extends Error {
  readonly plugin: string;
  readonly phase: string;
  override readonly cause: unknown;
  constructor(plugin: string, phase: string, cause: unknown) {
    super(`plugin ${plugin} failed in ${phase}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.plugin = plugin;
    this.phase = phase;
    this.cause = cause;
  }
}

export type PhaseResult = Reply | undefined;

function isPromise<T>(v: unknown): v is Promise<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * Runs a request-side phase from `start`. Stays synchronous while hooks are (the common case) and only
 * allocates a promise when a hook returns one. Throws PluginFailure (or rejects with it).
 */
export function runPhase(
  entries: readonly HookEntry<RequestHook>[],
  ctx: Ctx,
  phase: string,
  start = 0,
): PhaseResult | Promise<PhaseResult> {
  for (let i = start; i < entries.length; i++) {
    const e = entries[i]!;
    let r: HookResult | Promise<HookResult>;
    try {
      r = e.fn(ctx);
    } catch (err) {
      throw new PluginFailure(e.plugin, phase, err);
    }
    if (isPromise<HookResult>(r)) return finishAsync(entries, ctx, phase, i, r);
    if (r) return r;
  }
  return undefined;
}

async function finishAsync(
  entries: readonly HookEntry<RequestHook>[],
  ctx: Ctx,
  phase: string,
  i: number,
  pending: Promise<HookResult>,
): Promise<PhaseResult> {
  let r: HookResult;
  try {
    r = await pending;
  } catch (err) {
    throw new PluginFailure(entries[i]!.plugin, phase, err);
  }
  if (r) return r;
  return runPhase(entries, ctx, phase, i + 1);
}

/** Runs onResponseHeaders hooks; sync unless one returns a promise. */
export function runResponsePhase(
  entries: readonly HookEntry<ResponseHook>[],
  ctx: Ctx,
  head: ResponseHead,
  start = 0,
): void | Promise<void> {
  for (let i = start; i < entries.length; i++) {
    const e = entries[i]!;
    let r: void | Promise<void>;
    try {
      r = e.fn(ctx, head);
    } catch (err) {
      throw new PluginFailure(e.plugin, 'onResponseHeaders', err);
    }
    if (isPromise<void>(r)) {
      return r.then(
        () => runResponsePhase(entries, ctx, head, i + 1),
        (err: unknown) => {
          throw new PluginFailure(e.plugin, 'onResponseHeaders', err);
        },
      );
    }
  }
}
