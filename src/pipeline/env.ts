import type { CompiledTable } from '../compile/table.ts';
import type { Logger } from '../observability/logger.ts';
import type { AccessLog } from '../observability/access-log.ts';

/** What the pipeline needs from the runtime around it. */
export interface PipelineEnv {
  readonly logger: Logger;
  readonly accessLog: AccessLog;
  /** Hands back a table pinned for the request (the runtime counts it in flight). */
  release(table: CompiledTable): void;
  /** True while shutting down: responses then carry `Connection: close`. */
  draining(): boolean;
}
