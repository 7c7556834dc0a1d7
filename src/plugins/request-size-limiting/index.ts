import { definePlugin } from '../../sdk/index.ts';
import { parseSize } from '../../core/size.ts';
import { ErrorCode } from '../../core/errors.ts';
import { schema } from './schema.ts';

/**
 * Lowers the request body limit for its scope. A declared Content-Length over the limit is refused at once;
 * a chunked body is counted while it streams and the upstream request is failed with 413 when it passes the
 * limit (the proxy enforces `ctx.maxBodySize`).
 */
export default definePlugin({
  name: 'request-size-limiting',
  priority: 951,
  schema,
  create(config) {
    const raw = config.max_body_size ?? config.allowed_payload_size;
    if (raw === undefined) throw new Error('set max_body_size');
    const limit = parseSize(raw);
    const requireLength = config.require_content_length;
    return {
      onAccess(ctx) {
        if (limit < ctx.maxBodySize) ctx.maxBodySize = limit;
        const cl = ctx.headers['content-length'];
        if (cl === undefined) {
          if (requireLength && ctx.headers['transfer-encoding'] !== undefined) {
            return ctx.replyError(411, 'length_required', 'a Content-Length is required');
          }
          return;
        }
        const n = Number(cl);
        if (n > limit) {
          return ctx.replyError(413, ErrorCode.payloadTooLarge, `request body of ${n} bytes exceeds ${limit}`);
        }
      },
    };
  },
});
