import type { PluginDefinition, PluginInstance, RequestHook } from '../sdk/plugin.ts';
import type { Chain, ChainMember, HookEntry, LogHook, ResponseHook } from './table.ts';

export type Scope = ChainMember['scope'];

/** A created plugin instance with what it came from. */
export interface Created {
  readonly def: PluginDefinition;
  readonly instance: PluginInstance;
  readonly scope: Scope;
}

/** Plugins by name for one scope. */
export type Layer = ReadonlyMap<string, Created>;

/**
 * Merges scope layers from widest to narrowest (the narrowest wins for the same plugin name) and lays the
 * winners out as flat per-phase arrays ordered by priority, highest first. `skipGlobalOnRequest` leaves out
 * global onRequest hooks, which already ran before routing.
 */
export function buildChain(layers: readonly Layer[], skipGlobalOnRequest: boolean): Chain {
  const merged = new Map<string, Created>();
  for (const layer of layers) for (const [name, c] of layer) merged.set(name, c);
  const ordered = [...merged.values()].sort((a, b) => b.def.priority - a.def.priority);
  const members: ChainMember[] = [];
  const onRequest: HookEntry<RequestHook>[] = [];
  const onAccess: HookEntry<RequestHook>[] = [];
  const onUpstreamRequest: HookEntry<RequestHook>[] = [];
  const onResponseHeaders: HookEntry<ResponseHook>[] = [];
  const onLog: HookEntry<LogHook>[] = [];
  for (const c of ordered) {
    const { def, instance: inst, scope } = c;
    const base = { plugin: def.name, priority: def.priority };
    members.push({ name: def.name, priority: def.priority, scope });
    if (inst.onRequest && !(skipGlobalOnRequest && scope === 'global')) {
      onRequest.push({ ...base, fn: inst.onRequest.bind(inst) });
    }
    if (inst.onAccess) onAccess.push({ ...base, fn: inst.onAccess.bind(inst) });
    if (inst.onUpstreamRequest) onUpstreamRequest.push({ ...base, fn: inst.onUpstreamRequest.bind(inst) });
    if (inst.onResponseHeaders) onResponseHeaders.push({ ...base, fn: inst.onResponseHeaders.bind(inst) });
    if (inst.onLog) onLog.push({ ...base, fn: inst.onLog.bind(inst) });
  }
  return { members, onRequest, onAccess, onUpstreamRequest, onResponseHeaders, onLog };
}
