import type { PluginDefinition } from '../sdk/plugin.ts';
import requestTermination from './request-termination/index.ts';
import requestSizeLimiting from './request-size-limiting/index.ts';
import forwardAuth from './forward-auth/index.ts';
import oauth2Introspection from './oauth2-introspection/index.ts';
import jwt from './jwt/index.ts';
import keyAuth from './key-auth/index.ts';
import basicAuth from './basic-auth/index.ts';
import acl from './acl/index.ts';
import rateLimiting from './rate-limiting/index.ts';

/** Every built-in plugin. Priorities are unique; higher runs first in every phase. */
export const builtinPlugins: readonly PluginDefinition[] = [
  forwardAuth,
  oauth2Introspection,
  jwt,
  keyAuth,
  basicAuth,
  acl,
  requestSizeLimiting,
  rateLimiting,
  requestTermination,
] as unknown as readonly PluginDefinition[];

const byName = new Map(builtinPlugins.map((p) => [p.name, p]));

/** Finds a built-in plugin by its YAML name. */
export function lookupPlugin(name: string): PluginDefinition | undefined {
  return byName.get(name);
}
