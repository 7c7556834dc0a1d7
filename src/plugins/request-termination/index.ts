import { definePlugin } from '../../sdk/index.ts';
import { STATUS_CODES } from '../../core/node-http.ts';
import { schema } from './schema.ts';

/**
 * Answers with a fixed status and body without calling the upstream (maintenance windows, retired routes).
 * Runs late in onAccess so auth, rate limits and CORS still apply to the terminated route.
 */
export default definePlugin({
  name: 'request-termination',
  priority: 2,
  schema,
  create(config) {
    const status = config.status;
    if (config.body !== undefined) {
      const headers = { 'content-type': config.content_type ?? 'text/plain; charset=utf-8' };
      const body = config.body;
      return { onAccess: (ctx) => ctx.reply(status, body, headers) };
    }
    const code = (STATUS_CODES[status] ?? 'terminated').toLowerCase().replace(/[^a-z0-9]+/g, '_');
    const message = config.message ?? STATUS_CODES[status] ?? 'request terminated';
    return { onAccess: (ctx) => ctx.replyError(status, code, message) };
  },
});
