import { Type } from '../../sdk/index.ts';

export const schema = Type.Object(
  {
    status: Type.Integer({ minimum: 100, maximum: 599, default: 503, description: 'HTTP status to answer with' }),
    message: Type.Optional(
      Type.String({ description: 'message for the JSON error body {"error","message","request_id"}' }),
    ),
    body: Type.Optional(Type.String({ description: 'raw body to send instead of the JSON error body' })),
    content_type: Type.Optional(
      Type.String({ minLength: 1, description: 'Content-Type for `body` (default text/plain; charset=utf-8)' }),
    ),
  },
  { additionalProperties: false, description: 'Answer every request on this scope with a fixed response.' },
);
