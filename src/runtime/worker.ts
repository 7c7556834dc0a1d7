import type { Logger } from '../observability/logger.ts';
import type { ToWorker, FromWorker } from './cluster.ts';
import { Gateway } from './gateway.ts';
import { keepServingOnStrayErrors } from './last-resort.ts';
import { explainRequest } from './explain.ts';
import { runExtension } from '../admin/extensions.ts';
import { registerWorkerMetrics } from '../observability/cluster-metrics.ts';
import { Metrics } from '../observability/metrics.ts';

/** A cluster worker: runs the gateway on the shared listen sockets and answers the primary. */
export async function runWorker(configFile: string, logger: Logger): Promise<void> {
  const send = (m: FromWorker): void => {
    process.send?.(m);
  };
  let gw: Gateway;
  // Register metrics before starting so the primary's scrapes are answered from the first moment.
  const metrics = new Metrics();
  registerWorkerMetrics(metrics);
  try {
    gw = await Gateway.start({ configFile, logger, metrics });
  } catch (err) {
    send({ portico: 'failed', error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
  keepServingOnStrayErrors(logger);
  send({ portico: 'ready', hash: gw.table.hash });
  process.on('message', (m: ToWorker) => {
    if (m.portico === 'reload') {
      void gw.reload().then((result) => send({ portico: 'reply', id: m.id, result }));
    } else if (m.portico === 'explain') {
      let result: unknown;
      try {
        result = explainRequest(gw.table, m.input);
      } catch (err) {
        result = { error: err instanceof Error ? err.message : String(err) };
      }
      send({ portico: 'reply', id: m.id, result });
    } else if (m.portico === 'admin') {
      runExtension(gw, m.method, m.path, m.query, m.body).then(
        (result) => send({ portico: 'reply', id: m.id, result }),
        (err: unknown) =>
          send({ portico: 'reply', id: m.id, result: { status: 500, body: { error: 'internal_error', message: String(err) } } }),
      );
    } else if (m.portico === 'shutdown') {
      void gw.stop().then(() => process.exit(0));
    }
  });
  // The primary handles signals for the cluster; a worker only drains when told to.
  process.on('SIGTERM', () => void gw.stop().then(() => process.exit(0)));
  process.on('SIGINT', () => undefined);
  process.on('SIGHUP', () => undefined);
}
