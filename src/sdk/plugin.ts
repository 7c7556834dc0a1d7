import type { Static, TSchema } from '@sinclair/typebox';
import type { AccessRecord, Ctx, Reply, ResponseHead } from './context.ts';
import type { Clock } from '../core/clock.ts';

/** What a request-side hook may return: nothing to continue, or a Reply to answer early. */
export type HookResult = void | Reply | undefined;
export type RequestHook = (ctx: Ctx) => HookResult | Promise<HookResult>;

/** The hooks a plugin instance offers; having one opts the plugin into that phase. */
export interface PluginInstance {
  /** Before routing for global plugins; right after routing for service/route/consumer plugins. */
  onRequest?: RequestHook;
  /** Auth, ACL, rate limits, validation: may answer early. */
  onAccess?: RequestHook;
  /** Last changes to what is sent upstream (headers, path). May still answer early. */
  onUpstreamRequest?: RequestHook;
  /** Response status/headers, for upstream answers and local replies alike. */
  onResponseHeaders?: (ctx: Ctx, res: ResponseHead) => void | Promise<void>;
  /** After the client has its response. Never awaited: do not block here. */
  onLog?: (ctx: Ctx, record: AccessRecord) => void;
  /** Called when the config version that created this instance is retired. */
  close?: () => void | Promise<void>;
  /**
   * Auth plugins: extra upstream header names this instance sets from a verified identity (e.g. its
   * `claims_to_headers` targets). They are removed from the incoming request before any auth plugin runs.
   */
  identityHeaders?: readonly string[];
}

/** Minimal logger interface plugins get (pino-compatible). */
export interface PluginLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** A consumer as declared in the config file, with whatever credentials it carries. */
export interface ConsumerDecl {
  readonly id: string;
  readonly username: string;
  readonly custom_id?: string | undefined;
  readonly groups: readonly string[];
  /** Scopes granted when the consumer authenticates with a credential that carries none (API key, password). */
  readonly scopes?: readonly string[] | undefined;
  readonly credentials: Readonly<Record<string, readonly unknown[]>>;
}

/** What `create()` gets besides its own config. */
export interface PluginEnv {
  readonly scope: 'global' | 'service' | 'route' | 'consumer';
  /** Route name when scope is route, service name when scope is service, etc. */
  readonly scopeName: string | undefined;
  readonly logger: PluginLogger;
  readonly clock: Clock;
  /** Every consumer in the config, for auth plugins to index credentials at create time. */
  readonly consumers: readonly ConsumerDecl[];
  /** Top-level config sections plugins may read (e.g. `store` for rate limiting). Plain data. */
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface PluginDefinition<S extends TSchema = TSchema, C extends TSchema = TSchema> {
  /** The key under `plugins:` in YAML; kebab-case; matches its folder. */
  readonly name: string;
  /** Higher runs first in every phase; unique among built-ins. */
  readonly priority: number;
  /**
   * `auth`: an authentication plugin. All auth plugins on a route run as one "any of them" group (see
   * compile/chain.ts): identity headers are stripped first, the first plugin that authenticates wins.
   */
  readonly kind?: 'auth';
  /** TypeBox schema; descriptions are the user documentation, defaults are applied before create(). */
  readonly schema: S;
  /** Once per scope per config version. May be async (e.g. to import keys). */
  create(config: Static<S>, env: PluginEnv): PluginInstance | Promise<PluginInstance>;
  /** Non-fatal advice about a valid config (e.g. an insecure choice); the loader reports each as a warning. */
  warn?(config: Static<S>): string[];
  /**
   * Auth plugins that read consumer credentials (`consumers[].credentials.<name>: [...]`): the shape of one.
   * The loader checks every credential against it where it stands in the file (a credential type no plugin
   * declares is an error), so mistakes get a line and column even when no route uses the plugin yet.
   * `null`: an auth plugin that takes no consumer credentials (credentials under its name are an error).
   * Absent on an auth plugin: it checks its credentials itself at create() (custom plugins).
   */
  readonly credentials?: CredentialSpec<C> | null;
}

/** How the loader (and the plugin, at create) checks one consumer credential of a plugin. */
export interface CredentialSpec<S extends TSchema = TSchema> {
  readonly schema: S;
  /**
   * Checks beyond the schema, on a credential that matches it (one of two fields set, a hash that parses):
   * the offending field ('' for the credential as a whole) and why.
   */
  check?(credential: Static<S>): { readonly field: string; readonly message: string } | undefined;
  /**
   * What must not be shared by two credentials of this type (an API key's digest, a basic-auth username),
   * with the field to point at and a name for it in the message; the loader reports repeats across consumers.
   */
  unique?(credential: Static<S>): { readonly value: string; readonly field: string; readonly what: string } | undefined;
  /** Valid but risky (a short HMAC secret): the field and a warning, reported by `portico validate` and on load. */
  warn?(credential: Static<S>): { readonly field: string; readonly message: string } | undefined;
}

/** Declare a plugin; the identity function exists to infer the config type from the schema. */
export function definePlugin<S extends TSchema, C extends TSchema = TSchema>(def: PluginDefinition<S, C>): PluginDefinition<S, C> {
  return def;
}
