import type { Ctx } from '../sdk/context.ts';
import type { Chain, CompiledRoute } from '../compile/table.ts';
import { runPhase, type PhaseResult } from './runner.ts';

/** Whoever carries the chain for the rest of the request (the exchange). */
export interface ChainHolder {
  chain: Chain;
}

/**
 * Runs the onAccess phase. When an auth plugin sets a consumer that carries its own plugins, the rest of the
 * request continues on that consumer's chain (consumer scope is the narrowest): from the first hook whose
 * priority is below the one that just ran. `holder.chain` is the chain later phases use.
 */
export function runAccess(
  route: CompiledRoute,
  ctx: Ctx,
  holder: ChainHolder,
): PhaseResult | Promise<PhaseResult> {
  const entries = route.chain.onAccess;
  if (route.consumerChains === null) return runPhase(entries, ctx, 'onAccess');
  return stepwise(route, ctx, holder, entries, 0, ctx.consumer);
}

function stepwise(
  route: CompiledRoute,
  ctx: Ctx,
  holder: ChainHolder,
  entries: Chain['onAccess'],
  i: number,
  before: Ctx['consumer'],
): PhaseResult | Promise<PhaseResult> {
  for (; i < entries.length; i++) {
    const r = runPhase(entries.slice(i, i + 1), ctx, 'onAccess');
    const after = (v: PhaseResult): PhaseResult | Promise<PhaseResult> => {
      if (v) return v;
      const priority = entries[i]!.priority;
      if (ctx.consumer !== before && ctx.consumer !== null) {
        const chain = route.consumerChains!.get(ctx.consumer.id);
        if (chain) {
          holder.chain = chain;
          const next = chain.onAccess.findIndex((e) => e.priority < priority);
          if (next < 0) return undefined;
          return runPhase(chain.onAccess, ctx, 'onAccess', next);
        }
      }
      return stepwise(route, ctx, holder, entries, i + 1, ctx.consumer);
    };
    if (r instanceof Promise) return r.then(after);
    const v = after(r);
    return v;
  }
  return undefined;
}
