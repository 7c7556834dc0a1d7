import { loadConfigFile, ConfigError, formatIssue } from '../config/load.ts';
import { lookupPlugin } from '../plugins/registry.ts';
import { explainRequest, type ExplainResult } from '../runtime/explain.ts';
import { withCompiled } from './offline.ts';

/** `portico explain --config FILE GET 'http://host/path' [-H 'K: V']` */
export async function explainCommand(file: string, args: string[], headerArgs: string[]): Promise<number> {
  const [method, url] = args.length >= 2 ? args : ['GET', args[0]];
  if (!url || !method) {
    process.stderr.write("usage: portico explain --config FILE METHOD URL [-H 'Name: value']\n");
    return 2;
  }
  const headers: Record<string, string> = {};
  for (const h of headerArgs) {
    const i = h.indexOf(':');
    if (i <= 0) {
      process.stderr.write(`bad header "${h}" (use 'Name: value')\n`);
      return 2;
    }
    headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  let loaded;
  try {
    loaded = await loadConfigFile(file, { plugins: lookupPlugin });
  } catch (err) {
    if (err instanceof ConfigError) for (const i of err.issues) process.stderr.write(`${formatIssue(i)}\n`);
    else process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  const out = await withCompiled(loaded, (table) => renderExplain(explainRequest(table, { method, url, headers })));
  process.stdout.write(out);
  return 0;
}

export function renderExplain(r: ExplainResult): string {
  const lines: string[] = [];
  lines.push(`request:  ${r.request.method} ${r.request.host}${r.request.path}${r.request.query ? `?${r.request.query}` : ''}`);
  if (r.route === null) {
    lines.push(`route:    (none) — ${r.error ?? 'no route matches'}`);
  } else {
    lines.push(`route:    ${r.route}`);
    if (Object.keys(r.params).length) lines.push(`params:   ${JSON.stringify(r.params)}`);
    lines.push(`upstream: ${r.upstream_url ?? '(no service)'}`);
    lines.push(`plugins:  ${r.plugins.length === 0 ? '(none)' : ''}`);
    r.plugins.forEach((p, i) => lines.push(`  ${i + 1}. ${p.name} (priority ${p.priority}, ${p.scope})`));
  }
  const others = r.candidates.filter((c) => c.outcome !== 'won');
  if (others.length) {
    lines.push('other routes:');
    for (const c of others) lines.push(`  - ${c.route}${c.pattern ? ` [${c.pattern}]` : ''}: ${c.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
