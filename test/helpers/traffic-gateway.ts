import { startInstance } from '../../src/runtime/instance.ts';
import { nullLogger, createLogger } from '../../src/observability/logger.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import { ManualClock } from '../../src/core/clock.ts';
import type { TestGateway } from './gateway.ts';
import type { ServiceRuntime } from '../../src/upstream/service.ts';

export interface TrafficGateway extends TestGateway {
  readonly clock: ManualClock;
  /** The live runtime of a service. */
  service(name: string): ServiceRuntime;
}

/**
 * startGateway (helpers/gateway.ts) with a ManualClock for breakers, ejections and budgets, so tests move time
 * by hand instead of sleeping.
 */
export async function startTrafficGateway(yaml: string): Promise<TrafficGateway> {
  const clock = new ManualClock();
  const prefix = (t: string, port: number): string => {
    let text = t;
    if (!/^listen:/m.test(text)) text = `listen:\n  - address: 127.0.0.1:${port}\n${text}`;
    if (!/^admin:/m.test(text)) text = `admin:\n  listen: 127.0.0.1:0\n${text}`;
    if (!/^log:/m.test(text)) text = `log:\n  level: warn\n  access: "off"\n${text}`;
    return text;
  };
  const level = process.env.PORTICO_TEST_LOG;
  const instance = await startInstance({
    configText: prefix(yaml, 0),
    configFile: 'test.yaml',
    logger: level ? createLogger(level) : nullLogger,
    metrics: new Metrics({ defaultMetrics: false }),
    env: { ...process.env },
    clock,
  });
  const port = instance.gateway.ports()[0]!;
  return {
    instance,
    clock,
    url: `http://127.0.0.1:${port}`,
    port,
    adminUrl: instance.admin ? `http://127.0.0.1:${instance.admin.port()}` : '',
    reload: (y: string) => instance.gateway.reload(prefix(y, port)),
    stop: () => instance.stop(2000),
    service: (name) => {
      const s = instance.gateway.pools.service(name);
      if (!s) throw new Error(`no service ${name}`);
      return s;
    },
  };
}
