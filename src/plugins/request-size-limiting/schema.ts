import { Type, Size } from '../../sdk/index.ts';

export const schema = Type.Object(
  {
    max_body_size: Type.Optional(Size({ description: 'largest request body on this scope; larger → 413' })),
    allowed_payload_size: Type.Optional(Size({ description: 'alias of max_body_size (Kong name)' })),
    require_content_length: Type.Boolean({
      default: false,
      description: 'refuse bodies sent without Content-Length (chunked) with 411',
    }),
  },
  { additionalProperties: false, description: 'Limit the request body size per route, service or consumer.' },
);
