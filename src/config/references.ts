import { isValidCidr } from '../core/cidr.ts';
import { isRecord } from './data.ts';
import type { ConfigIssue } from './issues.ts';
import type { SourceMap } from './source.ts';

/**
 * Checks the schema cannot express: names unique across a list, references between sections, and strings
 * with an inner grammar (paths, CIDRs, ports). Runs even when the schema check failed, so every problem is
 * reported in one go; hence every value is type-checked before use.
 */
export function checkReferences(config: unknown, map: SourceMap): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  if (!isRecord(config)) return out;
  const services = list(config.services);
  const routes = list(config.routes);
  const consumers = list(config.consumers);

  unique(services, 'services', 'name', 'service name', map, out);
  unique(routes, 'routes', 'name', 'route name', map, out);
  unique(consumers, 'consumers', 'username', 'consumer username', map, out);
  unique(consumers, 'consumers', 'id', 'consumer id', map, out);

  const serviceNames = new Set<unknown>(services.map((s) => (isRecord(s) ? s.name : undefined)));
  services.forEach((s, i) => {
    if (!isRecord(s)) return;
    const hasUrl = s.url !== undefined;
    const discovered = isRecord(s.discovery) && (s.discovery.dns !== undefined || s.discovery.file !== undefined);
    if (hasUrl === (s.targets !== undefined) && (hasUrl || !discovered)) {
      out.push(
        map.issue(
          ['services', i],
          `must have exactly one of url or targets (it has ${hasUrl ? 'both' : 'neither'})`,
        ),
      );
    }
    if (isRecord(s.discovery) && s.discovery.dns === undefined && s.discovery.file === undefined) {
      out.push(map.issue(['services', i, 'discovery'], 'must have dns or file'));
    }
  });

  routes.forEach((r, i) => {
    if (!isRecord(r)) return;
    // No service is fine: a plugin such as request-termination may answer on its own.
    if (typeof r.service === 'string' && !serviceNames.has(r.service)) {
      out.push(map.issue(['routes', i, 'service'], `unknown service "${r.service}"`));
    }
    if (r.service !== undefined && r.services !== undefined) {
      out.push(map.issue(['routes', i], 'must have at most one of service or services (it has both)'));
    }
    list(r.services).forEach((e, j) => {
      if (isRecord(e) && typeof e.name === 'string' && !serviceNames.has(e.name)) {
        out.push(map.issue(['routes', i, 'services', j, 'name'], `unknown service "${e.name}"`));
      }
    });
    if (r.sticky !== undefined && r.services === undefined) {
      out.push(map.issue(['routes', i, 'sticky'], 'needs a weighted split (services)'));
    }
    const mirror = r.mirror;
    if (isRecord(mirror) && typeof mirror.service === 'string' && !serviceNames.has(mirror.service)) {
      out.push(map.issue(['routes', i, 'mirror', 'service'], `unknown service "${mirror.service}"`));
    }
    list(r.paths).forEach((p, j) => {
      const problem = typeof p === 'string' ? pathProblem(p) : undefined;
      if (problem) out.push(map.issue(['routes', i, 'paths', j], problem));
    });
  });

  // Every auth plugin's `anonymous` names a consumer (by username or id).
  const consumerNames = new Set<unknown>(consumers.flatMap((c) => (isRecord(c) ? [c.username, c.id] : [])));
  const anonymous = (plugins: unknown, at: (string | number)[]): void => {
    if (!isRecord(plugins)) return;
    for (const [name, cfg] of Object.entries(plugins)) {
      if (isRecord(cfg) && typeof cfg.anonymous === 'string' && !consumerNames.has(cfg.anonymous)) {
        out.push(map.issue([...at, 'plugins', name, 'anonymous'], `no consumer with username or id "${cfg.anonymous}"`));
      }
    }
  };
  anonymous(config.plugins, []);
  services.forEach((s, i) => anonymous(isRecord(s) ? s.plugins : undefined, ['services', i]));
  routes.forEach((r, i) => anonymous(isRecord(r) ? r.plugins : undefined, ['routes', i]));
  consumers.forEach((c, i) => anonymous(isRecord(c) ? c.plugins : undefined, ['consumers', i]));

  list(config.trusted_proxies).forEach((c, i) => {
    if (typeof c === 'string' && !isValidCidr(c)) {
      out.push(
        map.issue(['trusted_proxies', i], 'must be an IP address or CIDR such as 10.0.0.0/8'),
      );
    }
  });

  list(config.listen).forEach((l, i) => {
    if (isRecord(l) && typeof l.address === 'string' && badPort(l.address)) {
      out.push(map.issue(['listen', i, 'address'], 'port must be between 0 and 65535'));
    }
  });
  const admin = config.admin;
  if (
    isRecord(admin) &&
    typeof admin.listen === 'string' &&
    admin.listen !== 'off' &&
    badPort(admin.listen)
  ) {
    out.push(map.issue(['admin', 'listen'], 'port must be between 0 and 65535'));
  }
  return out;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Report every repeat of `field` in `items`, pointing at the repeat and naming the first use. */
function unique(
  items: unknown[],
  section: string,
  field: string,
  label: string,
  map: SourceMap,
  out: ConfigIssue[],
): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const v = isRecord(item) ? item[field] : undefined;
    if (typeof v !== 'string') return;
    const prev = first.get(v);
    if (prev === undefined) first.set(v, i);
    else
      out.push(
        map.issue(
          [section, i, field],
          `duplicate ${label} "${v}" (first used at ${section}[${prev}])`,
        ),
      );
  });
}

function badPort(address: string): boolean {
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  // Not a number means the schema pattern already rejected it; say nothing more.
  return Number.isInteger(port) && port > 65535;
}

const PARAM = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What is wrong with a route path, or undefined. Grammar: `/prefix`, `=/exact`, `/tpl/{id}`, `~regex`. */
export function pathProblem(p: string): string | undefined {
  if (p.startsWith('~')) {
    try {
      new RegExp(p.slice(1));
      return undefined;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return `invalid regular expression: ${reason.replace(/^Invalid regular expression: /, '')}`;
    }
  }
  const rest = p.startsWith('=') ? p.slice(1) : p;
  if (!rest.startsWith('/')) return 'must start with "/" (prefix), "=/" (exact) or "~" (regex)';
  const seen = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '}') return 'has a "}" without a matching "{"';
    if (c !== '{') continue;
    const close = rest.indexOf('}', i + 1);
    if (close < 0) return 'has a "{" without a matching "}"';
    const name = rest.slice(i + 1, close);
    if (!PARAM.test(name))
      return `invalid parameter name "{${name}}" (letters, digits and _, not starting with a digit)`;
    if (seen.has(name)) return `duplicate parameter name "{${name}}"`;
    seen.add(name);
    i = close;
  }
  return undefined;
}
