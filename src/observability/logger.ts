import pino from 'pino';

/** The operational logger (pino's). Change the level at runtime with `logger.level = 'debug'`. */
export type Logger = pino.Logger;

/**
 * The operational log: JSON lines on stderr, so stdout stays free for the access log (the usual
 * container split: `docker logs` shows both, a shipper can route them apart).
 *
 * `sync: false` keeps logging off the request path's syscalls; pino's destination flushes
 * synchronously on `exit`, so lines before a `process.exit()` are not lost. `base: { pid }` drops
 * `hostname` (the orchestrator knows the host) but keeps the pid, which tells cluster workers
 * apart.
 *
 * @param level pino level name (`trace` … `fatal`, `silent`); an unknown name throws.
 */
export function createLogger(level: string): Logger {
  // Checked here, before the destination exists: pino's own message ("default level:x must be
  // included in custom levels") misleads, and a destination opened for a logger that fails would
  // linger until exit.
  if (level !== 'silent' && !Object.hasOwn(pino.levels.values, level)) {
    const known = Object.keys(pino.levels.values).join(', ');
    throw new Error(`unknown log level "${level}" (use ${known} or silent)`);
  }
  return pino(
    { name: 'portico', level, base: { pid: process.pid } },
    pino.destination({ fd: 2, sync: false }),
  );
}

/**
 * A logger that writes nothing, for tests and for code that needs a Logger before config is known.
 */
export const nullLogger: Logger = pino(
  { level: 'silent' },
  // An explicit no-op stream: pino() without one would open a stdout destination we never use.
  { write: () => {} },
);
