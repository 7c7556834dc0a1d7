import type { PluginDefinition } from '../sdk/plugin.ts';
import { schema as forwardAuth } from './forward-auth/schema.ts';
import { schema as oauth2Introspection } from './oauth2-introspection/schema.ts';
import { schema as jwt } from './jwt/schema.ts';
import { credentials as jwtCredentials } from './jwt/credentials.ts';
import { jwtWarnings } from './jwt/warnings.ts';
import { introspectionWarnings } from './oauth2-introspection/warnings.ts';
import { schema as keyAuth, credentials as keyAuthCredentials } from './key-auth/schema.ts';
import { schema as basicAuth, credentials as basicAuthCredentials } from './basic-auth/schema.ts';
import { schema as acl } from './acl/schema.ts';
import { schema as requestSizeLimiting } from './request-size-limiting/schema.ts';
import { schema as rateLimiting } from './rate-limiting/schema.ts';
import { schema as requestTermination } from './request-termination/schema.ts';

type Meta = Omit<PluginDefinition, 'create'>;
type Loader = () => Promise<{ default: unknown }>;

/**
 * A built-in plugin whose code is imported by its first create(). What validation, `validate` and `explain`
 * need (name, priority, kind, schema, warnings, credential specs) is here; the rest, with its dependencies, loads only when a
 * config uses the plugin: a gateway without auth or rate limiting keeps ≈ 4.5 MB less resident.
 * registry.test.ts checks that every entry matches its plugin's own definition.
 */
function lazy(meta: Meta, load: Loader): PluginDefinition {
  let def: Promise<PluginDefinition> | null = null;
  return {
    ...meta,
    async create(config, env) {
      const d = await (def ??= load().then((m) => m.default as PluginDefinition));
      return d.create(config, env);
    },
  };
}

/** Every built-in plugin, with how to load its code. Priorities are unique; higher runs first in every phase. */
export const builtinLoaders: ReadonlyArray<readonly [Meta, Loader]> = [
  [{ name: 'forward-auth', priority: 1800, kind: 'auth', schema: forwardAuth, credentials: null }, () => import('./forward-auth/index.ts')],
  [{ name: 'oauth2-introspection', priority: 1700, kind: 'auth', schema: oauth2Introspection, warn: introspectionWarnings as Meta['warn'], credentials: null }, () => import('./oauth2-introspection/index.ts')],
  [{ name: 'jwt', priority: 1450, kind: 'auth', schema: jwt, warn: jwtWarnings as Meta['warn'], credentials: jwtCredentials as Meta['credentials'] }, () => import('./jwt/index.ts')],
  [{ name: 'key-auth', priority: 1250, kind: 'auth', schema: keyAuth, credentials: keyAuthCredentials as Meta['credentials'] }, () => import('./key-auth/index.ts')],
  [{ name: 'basic-auth', priority: 1100, kind: 'auth', schema: basicAuth, credentials: basicAuthCredentials as Meta['credentials'] }, () => import('./basic-auth/index.ts')],
  [{ name: 'acl', priority: 950, schema: acl }, () => import('./acl/index.ts')],
  [{ name: 'request-size-limiting', priority: 951, schema: requestSizeLimiting }, () => import('./request-size-limiting/index.ts')],
  [{ name: 'rate-limiting', priority: 910, schema: rateLimiting }, () => import('./rate-limiting/index.ts')],
  [{ name: 'request-termination', priority: 2, schema: requestTermination }, () => import('./request-termination/index.ts')],
];

/** Every built-in plugin. */
export const builtinPlugins: readonly PluginDefinition[] = builtinLoaders.map(([meta, load]) => lazy(meta, load));

const byName = new Map(builtinPlugins.map((p) => [p.name, p]));

/** Finds a built-in plugin by its YAML name. */
export function lookupPlugin(name: string): PluginDefinition | undefined {
  return byName.get(name);
}
