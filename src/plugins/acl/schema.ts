import { Type } from '../../sdk/index.ts';

const groups = (description: string) =>
  Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true, description });
const Scopes = Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true });

export const schema = Type.Object(
  {
    allow: Type.Optional(groups('consumer groups allowed in; anyone else gets 403')),
    deny: Type.Optional(groups('consumer groups kept out (checked before allow)')),
    scopes: Type.Optional(
      Type.Union(
        [
          Scopes,
          Type.Record(Type.String({ pattern: '^([A-Z]+|\\*)$' }), Scopes, {
            additionalProperties: false,
            description: 'per method, e.g. { GET: [read:users], POST: [write:users], "*": [admin] }',
          }),
        ],
        { description: 'scopes the token must grant (all of them); a list for every method, or per method' },
      ),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'Authorize authenticated requests by consumer group and token scopes. Runs after the auth plugins.',
  },
);
