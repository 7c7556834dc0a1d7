import type { PluginDefinition } from '../sdk/plugin.ts';
import requestTermination from './request-termination/index.ts';
import requestSizeLimiting from './request-size-limiting/index.ts';

/** Every built-in plugin. Priorities are unique; higher runs first in every phase. */
export const builtinPlugins: readonly PluginDefinition[] = [
  requestSizeLimiting,
  requestTermination,
] as unknown as readonly PluginDefinition[];

const byName = new Map(builtinPlugins.map((p) => [p.name, p]));

/** Finds a built-in plugin by its YAML name. */
export function lookupPlugin(name: string): PluginDefinition | undefined {
  return byName.get(name);
}
