/** Portico's programmatic API: start a gateway in-process, and the SDK for writing plugins. */
export { startInstance, type Instance } from './runtime/instance.ts';
export { Gateway, type GatewayOptions, type ReloadResult } from './runtime/gateway.ts';
export { loadConfigFile, loadConfigText, ConfigError, formatIssue } from './config/load.ts';
export { builtinPlugins, lookupPlugin } from './plugins/registry.ts';
export { createLogger, nullLogger } from './observability/logger.ts';
export * from './sdk/index.ts';
