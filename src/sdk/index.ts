/** The plugin SDK: everything a plugin may import besides `core/`. */
export { Type, type Static, type TSchema } from '@sinclair/typebox';
export { definePlugin } from './plugin.ts';
export type {
  PluginDefinition,
  PluginInstance,
  PluginEnv,
  PluginLogger,
  ConsumerDecl,
  CredentialSpec,
  HookResult,
  RequestHook,
} from './plugin.ts';
export type { Ctx, Consumer, Reply, ResponseHead, AccessRecord, HeaderMap, RouteInfo } from './context.ts';
export { createSlot, type Slot } from './slots.ts';
export { Duration, Size } from './schema.ts';
export { CREDENTIAL, CLAIMS, SCOPES, GROUPS, AUTHENTICATED_BY, AUTH_FAILURE, AUTH_CHALLENGES, FAILED_OPEN, authFailure, failedOpen, type AuthFailureKind } from './auth.ts';
