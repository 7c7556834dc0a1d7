/**
 * Path patterns of a route, parsed once at compile time:
 *   `/v1/users`               prefix, matches on a segment boundary (`/v1/` matches anything under
 *   it) `=/v1/health`             exact
 *   `/v1/users/{id}/orders`   template: each `{name}` is one whole, non-empty segment
 *   `~^/v[0-9]+/items$`       JS RegExp against the normalized path; named groups become params
 * `matchPattern` is the straightforward reference matcher: `explain` uses it, the trie must agree
 * with it.
 */
import { normalizePath } from './normalize.ts';

export type PathKind = 'exact' | 'template' | 'regex' | 'prefix';

export interface CompiledPattern {
  source: string; // as written in the route, e.g. `=/v1/health`
  kind: PathKind;
  path: string; // exact/prefix: the path; template: the path with `{name}`s; regex: the regex source
  /** template only: one entry per segment, null where a `{param}` goes */
  segments: Array<string | null>;
  paramNames: string[];
  regex: RegExp | null;
  /** prefix only: the pattern ends with `/`, so it needs something under it (`/v1/` ≠ `/v1`) */
  slashPrefix: boolean;
  /** the priority "specificity" figure: prefix → its length; template/regex → literal length */
  specificity: number;
}

export interface PatternMatch {
  params: Record<string, string>;
  rest: string;
}

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function compilePattern(source: string, route: string): CompiledPattern {
  const where = `route "${route}": path pattern ${JSON.stringify(source)}`;
  const base = { source, segments: [], paramNames: [], regex: null, slashPrefix: false };
  if (source.startsWith('~')) {
    const src = source.slice(1);
    let regex: RegExp;
    try {
      regex = new RegExp(src);
    } catch (err) {
      throw new Error(`${where} is not a valid regular expression: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const paramNames = Object.keys(new RegExp(`${src}|`).exec('')?.groups ?? {});
    return {
      ...base,
      kind: 'regex',
      path: src,
      regex,
      paramNames,
      specificity: regexLiteralLength(src),
    };
  }
  if (source.startsWith('=')) {
    const path = checkNormalized(source.slice(1), where);
    return { ...base, kind: 'exact', path, specificity: path.length };
  }
  if (source.includes('{') || source.includes('}')) return compileTemplate(source, where);
  const path = checkNormalized(source, where);
  return {
    ...base,
    kind: 'prefix',
    path,
    slashPrefix: path.endsWith('/'),
    specificity: path.length,
  };
}

// Patterns are compared with normalized request paths, so a non-normalized pattern could never
// match (or would match something else than it reads): refuse it and say what to write instead.
function checkNormalized(path: string, where: string): string {
  const r = normalizePath(path);
  if (!r.ok) throw new Error(`${where} is invalid: ${r.reason}`);
  if (r.path !== path)
    throw new Error(`${where} is not normalized; write ${JSON.stringify(r.path)}`);
  return path;
}

function compileTemplate(source: string, where: string): CompiledPattern {
  checkNormalized(source, where);
  // A trailing slash is tolerated on requests anyway, so `/a/{id}/` is the same template as
  // `/a/{id}`.
  const body = source.length > 1 && source.endsWith('/') ? source.slice(0, -1) : source;
  const segments: Array<string | null> = [];
  const paramNames: string[] = [];
  let literal = 0;
  for (const seg of body.slice(1).split('/')) {
    if (seg.startsWith('{') && seg.endsWith('}')) {
      const name = seg.slice(1, -1);
      if (!PARAM_NAME.test(name)) throw new Error(`${where}: invalid parameter name "${name}"`);
      if (paramNames.includes(name)) throw new Error(`${where}: duplicate parameter "${name}"`);
      paramNames.push(name);
      segments.push(null);
    } else if (seg.includes('{') || seg.includes('}')) {
      throw new Error(`${where}: a {param} must be a whole segment`);
    } else {
      segments.push(seg);
      literal += seg.length;
    }
  }
  // literal length = the template minus its placeholders (slashes count: `/a/{x}` has 3)
  literal += segments.length;
  return {
    source,
    kind: 'template',
    path: body,
    segments,
    paramNames,
    regex: null,
    slashPrefix: false,
    specificity: literal,
  };
}

/**
 * Roughly how many characters a regex matches literally: plain characters and escaped punctuation
 * count, metacharacters, classes (`[...]`, `\d`), group syntax and `{m,n}` quantifiers do not.
 * Only used to rank a regex against templates, so "roughly" is fine and documented in priority.ts.
 */
export function regexLiteralLength(src: string): number {
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '\\') {
      const next = src[i + 1] ?? '';
      if (!/[A-Za-z0-9]/.test(next)) n++; // `\.` `\/` are literals; `\d` `\w` `\1` are not
      i++;
    } else if (c === '[') {
      while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
    } else if (c === '(' && src[i + 1] === '?') {
      // `(?:` `(?=` `(?!` `(?<=` `(?<!` `(?<name>` and modifiers like `(?i:` are syntax, not
      // literals
      const m = /^\(\?(?:<[A-Za-z_$][\w$]*>|<=|<!|[:=!]|[a-z]*(?:-[a-z]+)?:)/.exec(src.slice(i));
      if (m) i += m[0].length - 1;
    } else if (c === '{' && /^\{\d+(,\d*)?\}/.test(src.slice(i))) {
      i = src.indexOf('}', i);
    } else if (!'^$.|?*+()'.includes(c)) {
      n++;
    }
  }
  return n;
}

/**
 * Percent-decode a param value; an invalid UTF-8 sequence is returned as it is rather than throwing.
 */
export function decodeParam(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Reference matcher over a normalized path: the trie must produce exactly this. */
export function matchPattern(p: CompiledPattern, path: string): PatternMatch | null {
  switch (p.kind) {
    case 'exact':
      return path === p.path ? { params: {}, rest: '' } : null;
    case 'prefix': {
      if (p.slashPrefix) {
        return path.startsWith(p.path) ? { params: {}, rest: path.slice(p.path.length - 1) } : null;
      }
      if (!path.startsWith(p.path)) return null;
      const rest = path.slice(p.path.length);
      return rest === '' || rest.startsWith('/') ? { params: {}, rest } : null;
    }
    case 'template': {
      const body = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
      const parts = body.slice(1).split('/');
      if (parts.length !== p.segments.length) return null;
      const params: Record<string, string> = {};
      let k = 0;
      for (let i = 0; i < parts.length; i++) {
        const want = p.segments[i];
        const got = parts[i] as string;
        if (want === null) {
          if (got === '') return null;
          params[p.paramNames[k++] as string] = decodeParam(got);
        } else if (want !== got) {
          return null;
        }
      }
      return { params, rest: '' };
    }
    case 'regex': {
      const m = (p.regex as RegExp).exec(path);
      return m ? { params: regexParams(m), rest: path.slice(m.index + m[0].length) } : null;
    }
  }
}

export function regexParams(m: RegExpExecArray): Record<string, string> {
  const params: Record<string, string> = {};
  if (m.groups) {
    for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) params[k] = decodeParam(v);
  }
  return params;
}

/** `prefix /v1/users`, `exact /v1/health`, ... for explain messages. */
export function describePattern(p: CompiledPattern): string {
  return `${p.kind} ${p.kind === 'regex' ? p.source : p.path}`;
}
