import { startInstance, type Instance } from '../../src/runtime/instance.ts';
import { nullLogger, createLogger } from '../../src/observability/logger.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import type { PluginDefinition } from '../../src/sdk/plugin.ts';

export interface TestGateway {
  readonly instance: Instance;
  /** http://127.0.0.1:PORT of the first listener */
  readonly url: string;
  readonly port: number;
  /** http://127.0.0.1:PORT of the admin API ('' when off) */
  readonly adminUrl: string;
  reload(yaml: string): ReturnType<Instance['gateway']['reload']>;
  stop(): Promise<void>;
}

/**
 * Starts Portico in-process from YAML text. Listeners default to 127.0.0.1:0 and admin to 127.0.0.1:0
 * unless the YAML sets them; access logs are off unless set. Set PORTICO_TEST_LOG=debug to see logs.
 */
export async function startGateway(
  yaml: string,
  opts: { env?: Record<string, string>; plugins?: PluginDefinition[] } = {},
): Promise<TestGateway> {
  let text = yaml;
  if (!/^listen:/m.test(text)) text = `listen:\n  - address: 127.0.0.1:0\n${text}`;
  if (!/^admin:/m.test(text)) text = `admin:\n  listen: 127.0.0.1:0\n${text}`;
  if (!/^log:/m.test(text)) text = `log:\n  level: warn\n  access: "off"\n${text}`;
  const level = process.env.PORTICO_TEST_LOG;
  const instance = await startInstance({
    configText: text,
    configFile: 'test.yaml',
    logger: level ? createLogger(level) : nullLogger,
    metrics: new Metrics(),
    env: { ...process.env, ...opts.env },
    plugins: opts.plugins ?? [],
  });
  const port = instance.gateway.ports()[0]!;
  return {
    instance,
    url: `http://127.0.0.1:${port}`,
    port,
    adminUrl: instance.admin ? `http://127.0.0.1:${instance.admin.port()}` : '',
    reload: (y: string) => {
      let t = y;
      if (!/^listen:/m.test(t)) t = `listen:\n  - address: 127.0.0.1:${port}\n${t}`;
      if (!/^admin:/m.test(t)) t = `admin:\n  listen: 127.0.0.1:0\n${t}`;
      if (!/^log:/m.test(t)) t = `log:\n  level: warn\n  access: "off"\n${t}`;
      return instance.gateway.reload(t);
    },
    stop: () => instance.stop(2000),
  };
}
