import type { Logger } from '../observability/logger.ts';

/**
 * The serving process's last resort for errors nothing caught: a stray stream 'error' or a rejected promise
 * of a plugin bug would otherwise end the process and every connection it holds, for the sake of one
 * request. Such an error is a bug: it is logged with its stack at error level and the gateway keeps
 * serving; the request it belonged to ends by its own timeouts. Installed by `portico start` (and each
 * worker), never by the library, whose embedder owns the process.
 */
export function keepServingOnStrayErrors(logger: Logger): void {
  process.on('uncaughtException', (err) => {
    logger.error({ err: { message: err.message, stack: err.stack } }, 'uncaught exception (a bug): the gateway keeps serving');
  });
  process.on('unhandledRejection', (reason) => {
    const err = reason instanceof Error ? { message: reason.message, stack: reason.stack } : { message: String(reason) };
    logger.error({ err }, 'unhandled rejection (a bug): the gateway keeps serving');
  });
}
