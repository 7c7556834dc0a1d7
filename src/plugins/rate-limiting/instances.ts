import type { Ctx } from '../../sdk/index.ts';
import type { LimitUsage } from './limiter.ts';

/** What the admin usage endpoint can learn about one live rate-limiting instance. */
export interface LimiterView {
  readonly scope: 'global' | 'service' | 'route' | 'consumer';
  readonly scopeName: string | undefined;
  readonly algorithm: string;
  readonly store: 'memory' | 'redis';
  readonly key: readonly string[];
  readonly limits: readonly { readonly limit: number; readonly window: string | number; readonly windowMs: number; readonly headerLimit: number }[];
  /** The counting key for a consumer (and route/service when the key has those parts). */
  keyFor(values: { consumer: string; route?: string | undefined; service?: string | undefined }): string;
  peek(key: string): Promise<LimitUsage[]>;
}

/**
 * Live rate-limiting instances by the PluginInstance object create() returned: registered in create(),
 * removed in close() when their config version retires. The admin extension intersects it with the current
 * table's instances, so it only reports limits that are in force.
 */
export const liveLimiters = new Map<object, LimiterView>();

/** A minimal request carrying only what enumerable key parts read (for keyFor). */
export function syntheticCtx(values: { consumer: string; route?: string | undefined; service?: string | undefined }): Ctx {
  const ctx = {
    clientIp: '',
    consumer: { id: values.consumer, username: values.consumer, groups: [] },
    route: values.route === undefined ? null : { name: values.route, service: values.service },
    headers: {},
    params: {},
    get: () => undefined,
  };
  return ctx as unknown as Ctx;
}
