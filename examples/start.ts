// `npm start`: the demo upstreams and the gateway serving examples/quickstart.yaml, in one process.
// Ctrl-C drains the gateway and stops everything.
import { fileURLToPath } from 'node:url';
import { startDemoServices } from './demo-services.ts';
import { startInstance } from '../src/runtime/instance.ts';
import { createLogger } from '../src/observability/logger.ts';
import { ConfigError, formatIssue } from '../src/config/load.ts';

const configFile = process.argv[2] ?? fileURLToPath(new URL('./quickstart.yaml', import.meta.url));
const logger = createLogger(process.env.PORTICO_LOG_LEVEL ?? 'info');
const demo = await startDemoServices();
let inst;
try {
  inst = await startInstance({ configFile, logger, watch: true });
} catch (err) {
  if (err instanceof ConfigError) for (const i of err.issues) console.error(formatIssue(i));
  else console.error(err);
  await demo.close();
  process.exit(1);
}
const running = inst;
process.on('SIGHUP', () => void running.gateway.reload());
process.stderr.write(
  `\nPortico is up:\n  proxy  http://127.0.0.1:${running.gateway.ports()[0]}\n` +
    `  admin  http://127.0.0.1:${running.admin?.port() ?? '-'}\n` +
    `Try: curl -i localhost:8080/v1/users/123\n\n`,
);
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    void running
      .stop()
      .then(() => demo.close())
      .then(() => process.exit(0));
  });
}
