import { parseArgs } from 'node:util';
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { VERSION } from '../core/version.ts';
import { createLogger } from '../observability/logger.ts';
import { loadConfigFile, ConfigError, formatIssue } from '../config/load.ts';
import { lookupPlugin } from '../plugins/registry.ts';
import { startInstance } from '../runtime/instance.ts';
import { startCluster } from '../runtime/cluster.ts';
import { runWorker } from '../runtime/worker.ts';
import { keepServingOnStrayErrors } from '../runtime/last-resort.ts';
import { explainCommand } from './explain.ts';
import { withCompiled } from './offline.ts';
import { hashSecretCommand } from './hash-secret.ts';

const HELP = `portico ${VERSION} — an API gateway

Usage:
  portico start --config FILE [--workers N|auto] [--watch]
  portico validate --config FILE
  portico explain --config FILE METHOD URL [-H 'Name: value']...
  portico hash-secret [--secret S]    (reads the secret from stdin without --secret)
  portico --help | --version

Commands:
  start      serve the config; SIGHUP or POST /reload (admin) reloads it, SIGTERM drains and exits
  validate   check a config file: exit 0 with a summary, or exit 1 with every error and its line
  explain    show which route a request takes, where it goes, its plugins, and why other routes lost
  hash-secret  print key_sha256 and password_hash forms of a secret for consumer credentials

Options:
  -c, --config FILE     config file (YAML or JSON)
  -w, --workers N|auto  run N worker processes (auto: one per core)
      --watch           reload when the config file changes
  -H, --header 'K: V'   (explain) a request header; repeatable
  -h, --help            this help
  -v, --version         print the version
`;

/** Runs the CLI; resolves to an exit code (long-running `start` resolves only on failure). */
export async function main(argv: string[]): Promise<number> {
  if (cluster.isWorker && process.env.PORTICO_WORKER === '1') {
    const { values } = parseArgs({ args: argv, options: cliOptions, allowPositionals: true, strict: false });
    await runWorker(String(values.config), createLogger(process.env.PORTICO_LOG_LEVEL ?? 'info'));
    return -1;
  }
  if (argv[0] === 'hash-secret') return hashSecretCommand(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: cliOptions, allowPositionals: true });
  } catch (err) {
    process.stderr.write(`portico: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined && !values.help ? 2 : 0;
  }
  const config = values.config;
  if (!config) {
    process.stderr.write(`portico ${command}: --config FILE is required\n`);
    return 2;
  }
  switch (command) {
    case 'validate':
      return validate(config);
    case 'explain':
      return explainCommand(config, positionals.slice(1), values.header ?? []);
    case 'start':
      return start(config, values.workers, values.watch ?? false);
    default:
      process.stderr.write(`portico: unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}

const cliOptions = {
  config: { type: 'string', short: 'c' },
  workers: { type: 'string', short: 'w' },
  watch: { type: 'boolean' },
  header: { type: 'string', short: 'H', multiple: true },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

async function validate(file: string): Promise<number> {
  try {
    const loaded = await loadConfigFile(file, { plugins: lookupPlugin });
    // Plugins check what their schemas cannot (credentials, keys) when created: compile, serve nothing.
    await withCompiled(loaded, () => undefined);
    const c = loaded.config;
    for (const w of loaded.warnings) process.stderr.write(`warning: ${formatIssue(w)}\n`);
    const pluginCount =
      Object.keys(c.plugins).length +
      c.services.reduce((n, s) => n + Object.keys(s.plugins).length, 0) +
      c.routes.reduce((n, r) => n + Object.keys(r.plugins).length, 0) +
      c.consumers.reduce((n, r) => n + Object.keys(r.plugins).length, 0);
    process.stdout.write(
      `${file}: OK — ${c.routes.length} routes, ${c.services.length} services, ${c.consumers.length} consumers, ` +
        `${pluginCount} plugins, ${loaded.warnings.length} warnings (hash ${loaded.hash})\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const i of err.issues) process.stderr.write(`${formatIssue(i)}\n`);
      process.stderr.write(`${file}: ${err.issues.length} error(s)\n`);
    } else process.stderr.write(`${file}: ${(err as Error).message}\n`);
    return 1;
  }
}

async function start(file: string, workersOpt: string | undefined, watchFile: boolean): Promise<number> {
  const logger = createLogger(process.env.PORTICO_LOG_LEVEL ?? 'info');
  const workers = workersOpt === undefined ? 0 : workersOpt === 'auto' ? availableParallelism() : Number(workersOpt);
  if (!Number.isInteger(workers) || workers < 0) {
    process.stderr.write(`portico start: --workers must be a number or "auto"\n`);
    return 2;
  }
  try {
    if (workers > 0) {
      const c = await startCluster({ configFile: file, workers, watch: watchFile, logger });
      onStopSignal(logger, () => c.stop());
      return -1;
    }
    const inst = await startInstance({ configFile: file, watch: watchFile, logger });
    keepServingOnStrayErrors(logger);
    process.on('SIGHUP', () => void inst.gateway.reload());
    onStopSignal(logger, () => inst.stop());
    return -1;
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const i of err.issues) process.stderr.write(`${formatIssue(i)}\n`);
    } else process.stderr.write(`portico: ${(err as Error).message}\n`);
    return 1;
  }
}

function onStopSignal(logger: ReturnType<typeof createLogger>, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    stop().then(
      () => {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err: (err as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}
