import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { ConsumerDecl, CredentialSpec, PluginEnv } from '../../sdk/index.ts';

/** One consumer credential for a plugin, checked against the plugin's credential schema. */
export interface CredentialOf<T> {
  readonly consumer: ConsumerDecl;
  readonly credential: T;
  /** Its position in the consumer list, 0-based. */
  readonly index: number;
  /** `consumers[alice].credentials.jwt[0]`: where it is in the file, for error messages. */
  readonly where: string;
}

/**
 * The consumers' credentials for `plugin`, each checked against its spec. The loader has already checked
 * them (config/credentials.ts, with file positions); this repeats it for configs built in code, so a bad
 * credential fails create() with the consumer and field named rather than misbehave.
 */
export function readCredentials<S extends TSchema>(env: PluginEnv, plugin: string, spec: CredentialSpec<S>): CredentialOf<Static<S>>[] {
  const schema = spec.schema;
  const out: CredentialOf<Static<S>>[] = [];
  for (const consumer of env.consumers) {
    const list = consumer.credentials[plugin];
    if (list === undefined) continue;
    list.forEach((credential, index) => {
      const where = `consumers[${consumer.username}].credentials.${plugin}[${index}]`;
      const first = Value.Errors(schema, credential).First();
      if (first !== undefined) {
        const field = first.path === '' ? '' : first.path.slice(1).replaceAll('/', '.');
        throw new Error(`${where}${field ? `.${field}` : ''}: ${describe(first.schema, first.message)}`);
      }
      const bad = spec.check?.(credential as Static<S>);
      if (bad !== undefined) throw new Error(`${where}${bad.field ? `.${bad.field}` : ''}: ${bad.message}`);
      out.push({ consumer, credential: credential as Static<S>, index, where });
    });
  }
  return out;
}

/** TypeBox says "Expected union value" for an enum of literals; name the allowed values instead. */
function describe(schema: TSchema, message: string): string {
  const anyOf = (schema as { anyOf?: { const?: unknown }[] }).anyOf;
  if (anyOf && anyOf.every((s) => s.const !== undefined)) {
    return `must be one of ${anyOf.map((s) => String(s.const)).join(', ')}`;
  }
  // The wording of config errors elsewhere (ajv-issues.ts), so credential errors read the same.
  if (message === 'Expected required property') return 'is required';
  if (message === 'Unexpected property') return 'unknown key';
  return message.charAt(0).toLowerCase() + message.slice(1);
}
