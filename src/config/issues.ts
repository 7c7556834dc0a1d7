/** One problem found in a config file: where (config path and source position) and what. */
export interface ConfigIssue {
  /** `routes[2].plugins.request-termination.status`; '' for the whole file (e.g. a YAML syntax error). */
  path: string;
  message: string;
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
}

/** A config path as segments: numbers are array indices, strings are map keys. */
export type PathSeg = string | number;
export type Path = readonly PathSeg[];

/** `['routes', 2, 'plugins', 'cors']` → `routes[2].plugins.cors`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** `routes[2].plugins.request-termination.status: must be >= 100 (portico.yaml:41:17)` */
export function formatIssue(i: ConfigIssue): string {
  const where =
    i.line !== undefined
      ? `${i.file ?? ''}${i.file ? ':' : ''}${i.line}:${i.column ?? 1}`
      : (i.file ?? '');
  const head = i.path ? `${i.path}: ${i.message}` : i.message;
  return where ? `${head} (${where})` : head;
}

/** Thrown by the loader with every issue found; the message lists them all, one per line. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/**
 * Issues in reading order (by position; unpositioned last), without exact duplicates: several checks may
 * notice the same problem and users should read it once.
 */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const k = formatIssue(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const rank = (i: ConfigIssue): number =>
    (i.line ?? Number.MAX_SAFE_INTEGER) * 1e6 + (i.column ?? 0);
  return unique.sort((a, b) => rank(a) - rank(b));
}
