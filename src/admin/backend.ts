import type { ExplainInput, ExplainResult } from '../runtime/explain.ts';
import type { ReloadResult } from '../runtime/gateway.ts';
import type { AdminAnswer } from './extensions.ts';

/** What the admin API reads and drives; a single gateway or a cluster primary implements it. */
export interface AdminBackend {
  status(): Record<string, unknown>;
  /** The current config with secrets redacted. */
  config(): unknown;
  ready(): boolean;
  reload(): Promise<ReloadResult>;
  explain(input: ExplainInput): ExplainResult | Promise<ExplainResult>;
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Feature endpoints (see extensions.ts); null when no extension matches. */
  extension(method: string, path: string, query: string, body: unknown): Promise<AdminAnswer | null>;
}
