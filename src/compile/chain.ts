import type { PluginDefinition, PluginInstance, RequestHook } from '../sdk/plugin.ts';
import type { Chain, ChainMember, HookEntry, LogHook, ResponseHook } from './table.ts';
import { authGroup, type AuthMember } from '../plugins/auth-common/group.ts';
import { IDENTITY_HEADERS } from '../plugins/auth-common/identity.ts';

export type Scope = ChainMember['scope'];

/** A created plugin instance with what it came from. */
export interface Created {
  readonly def: PluginDefinition;
  readonly instance: PluginInstance;
  readonly scope: Scope;
}

/** Plugins by name for one scope. */
export type Layer = ReadonlyMap<string, Created>;

const placeholder: RequestHook = () => undefined;

/**
 * Merges scope layers from widest to narrowest (the narrowest wins for the same plugin name) and lays the
 * winners out as flat per-phase arrays ordered by priority, highest first. `skipGlobalOnRequest` leaves out
 * global onRequest hooks, which already ran before routing. The onAccess hooks of auth plugins become one
 * entry at the highest auth priority: several auth plugins on a route mean "any of them" (auth-common/group.ts).
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
  const auth: AuthMember[] = [];
  const strip = new Set(IDENTITY_HEADERS);
  for (const c of ordered) {
    const { def, instance: inst, scope } = c;
    const base = { plugin: def.name, priority: def.priority };
    members.push({ name: def.name, priority: def.priority, scope });
    if (inst.onRequest && !(skipGlobalOnRequest && scope === 'global')) {
      onRequest.push({ ...base, fn: inst.onRequest.bind(inst) });
    }
    if (inst.onAccess && def.kind === 'auth') {
      if (auth.length === 0) onAccess.push({ ...base, fn: placeholder }); // the group, once all members are known
      auth.push({ plugin: def.name, fn: inst.onAccess.bind(inst) });
      for (const h of inst.identityHeaders ?? []) strip.add(h.toLowerCase());
    } else if (inst.onAccess) onAccess.push({ ...base, fn: inst.onAccess.bind(inst) });
    if (inst.onUpstreamRequest) onUpstreamRequest.push({ ...base, fn: inst.onUpstreamRequest.bind(inst) });
    if (inst.onResponseHeaders) onResponseHeaders.push({ ...base, fn: inst.onResponseHeaders.bind(inst) });
    if (inst.onLog) onLog.push({ ...base, fn: inst.onLog.bind(inst) });
  }
  if (auth.length > 0) {
    // The group sits where its first (highest-priority) member was; it strips every member's identity headers.
    const at = onAccess.findIndex((e) => e.plugin === auth[0]!.plugin);
    const plugin = auth.map((m) => m.plugin).join('+');
    onAccess[at] = { plugin, priority: onAccess[at]!.priority, fn: authGroup(auth, [...strip]) };
  }
  return { members, onRequest, onAccess, onUpstreamRequest, onResponseHeaders, onLog };
}
