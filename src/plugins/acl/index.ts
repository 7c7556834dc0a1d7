import { definePlugin, AUTHENTICATED_BY, AUTH_CHALLENGES, GROUPS, SCOPES } from '../../sdk/index.ts';
import type { OutgoingHttpHeaders } from 'node:http';
import { AclRules } from './rules.ts';
import { schema } from './schema.ts';

/**
 * Authorization after authentication: consumer groups (`allow`/`deny`) and required token scopes, per
 * method if wanted. 403 names the missing scope; 401 when there is no verified identity to judge.
 */
export default definePlugin({
  name: 'acl',
  priority: 950,
  schema,
  create(config) {
    const rules = new AclRules(config);
    return {
      onAccess(ctx) {
        const v = rules.check(ctx.method, ctx.consumer, ctx.get(AUTHENTICATED_BY) !== undefined, ctx.get(SCOPES), ctx.get(GROUPS));
        if (v === null) return;
        ctx.logFields.auth_error = `acl: ${v.message}`;
        const headers: OutgoingHttpHeaders = {};
        // 401: offer the challenges of the route's auth plugins (e.g. `Key realm=...`), not a guess.
        if (v.status === 401) headers['www-authenticate'] = [...toList(ctx.get(AUTH_CHALLENGES) ?? 'Bearer realm="portico"')];
        else if (v.scope !== undefined) {
          headers['www-authenticate'] = `Bearer error="insufficient_scope", scope="${v.scope.replace(/["\\]/g, '')}"`;
        }
        // An anonymous caller refused gets 401 with a 401 code: proving who they are may let them in.
        return ctx.replyError(v.status, v.status === 401 ? 'unauthorized' : v.code, v.message, headers);
      },
    };
  },
});

function toList(v: string | readonly string[]): readonly string[] {
  return typeof v === 'string' ? [v] : v;
}
