import assert from 'node:assert/strict';
import { loadConfigText, ConfigError } from '../../src/config/load.ts';
import { lookupPlugin } from '../../src/plugins/registry.ts';
import { ManualClock } from '../../src/core/clock.ts';
import type { ConsumerDecl, PluginEnv } from '../../src/sdk/index.ts';

/** Loads `plugins:\n  <name>: <flow>` and returns `path: message` of each issue ([] when valid). */
export function pluginIssues(name: string, flow: string): string[] {
  try {
    loadConfigText(`plugins:\n  ${name}: ${flow}\n`, 'p.yaml', { plugins: lookupPlugin, env: {} });
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

/** Warnings of a valid plugin config. */
export function pluginWarnings(name: string, flow: string): string[] {
  return loadConfigText(`plugins:\n  ${name}: ${flow}\n`, 'p.yaml', { plugins: lookupPlugin, env: {} }).warnings.map((w) => w.message);
}

/** Runs the plugin's create() with its schema defaults applied and these consumers; resolves to the error message or 'ok'. */
export async function createError(name: string, flow: string, consumers: Partial<ConsumerDecl>[]): Promise<string> {
  const decls = consumers.map((c, i) => ({ id: `id${i}`, username: `c${i}`, groups: [], credentials: {}, ...c }));
  // The file names the consumers (so references such as `anonymous` resolve); create() gets their credentials
  // unchecked, to test the plugin's own checks.
  const names = decls.map((c) => `  - { username: ${JSON.stringify(c.username)}, id: ${JSON.stringify(c.id)} }\n`).join('');
  const text = `plugins:\n  ${name}: ${flow}\n${names ? `consumers:\n${names}` : ''}`;
  const loaded = loadConfigText(text, 'p.yaml', { plugins: lookupPlugin, env: {} });
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const env: PluginEnv = {
    scope: 'global',
    scopeName: undefined,
    logger: quiet,
    clock: new ManualClock(),
    consumers: decls,
    settings: {},
  };
  try {
    const inst = await lookupPlugin(name)!.create(loaded.config.plugins[name], env);
    await inst.close?.();
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
}
