import type { PluginEnv, ConsumerDecl } from '../sdk/plugin.ts';
import type { Logger } from '../observability/logger.ts';
import type { Clock } from '../core/clock.ts';
import type { Scope } from './chain.ts';

/** What compile knows when it builds one plugin instance's environment. */
export interface PluginEnvInput {
  readonly name: string;
  readonly scope: Scope;
  readonly scopeName: string | undefined;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly consumers: readonly ConsumerDecl[];
  readonly settings: Readonly<Record<string, unknown>>;
}

/** The `env` a plugin's `create()` gets: everything it may use from the layers below, nothing more. */
export function pluginEnv(input: PluginEnvInput): PluginEnv {
  const { name, scope, scopeName } = input;
  return {
    scope,
    scopeName,
    logger: input.logger.child({ plugin: name, scope, ...(scopeName ? { scope_name: scopeName } : {}) }),
    clock: input.clock,
    consumers: input.consumers,
    settings: input.settings,
  };
}
