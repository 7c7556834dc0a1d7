import { isScalar, parseDocument, visit, type Document } from 'yaml';
import type { ConfigIssue, Path } from './issues.ts';
import { unmaskReferences, walkNodes, type SourceMap } from './source.ts';

/** Where `${VAR}` values come from (process.env by default). */
export type Env = Record<string, string | undefined>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// A plain scalar that is exactly one reference is re-read as YAML, so `port: ${PORT}` can be a number.
const WHOLE = /^\$\{[^}]*\}$/;

/**
 * Expand `${VAR}` and `${VAR:-default}` in one string; `$${` is a literal `${`. Like the shell, the default
 * applies when VAR is unset or empty; a bare `${VAR}` that is unset is an error (an empty value is not).
 */
export function expand(input: string, env: Env): { value: string } | { error: string } {
  let out = '';
  let i = 0;
  while (i < input.length) {
    if (input.startsWith('$${', i)) {
      out += '${';
      i += 3;
    } else if (input.startsWith('${', i)) {
      const close = input.indexOf('}', i + 2);
      if (close < 0) return { error: 'unclosed "${" (write "$${" for a literal "${")' };
      const inner = input.slice(i + 2, close);
      const sep = inner.indexOf(':-');
      const name = sep < 0 ? inner : inner.slice(0, sep);
      if (!NAME.test(name)) return { error: `invalid variable reference "\${${inner}}"` };
      const set = env[name];
      if (sep >= 0) out += set === undefined || set === '' ? inner.slice(sep + 2) : set;
      else if (set === undefined) return { error: `environment variable ${name} is not set` };
      else out += set;
      i = close + 1;
    } else {
      out += input[i];
      i++;
    }
  }
  return { value: out };
}

/** A `${VAR}` value re-read as a number, boolean or null, with the text it came from. */
export interface Reread {
  readonly path: Path;
  readonly text: string;
}

/**
 * Interpolate every scalar value of the document in place; returns the problems (positioned at the scalar).
 * Values re-read as YAML into something other than a string are listed in `rereads`, so a setting that wants
 * a string can have the text back (an API key of `00123` must not become the number 123).
 */
export function interpolateDocument(doc: Document, env: Env, map: SourceMap, rereads: Reread[] = []): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!doc.contents) return issues;
  // Keys are never interpolated, but a masked reference in a key must read as the user wrote it.
  visit(doc, {
    Pair(_k, pair) {
      if (isScalar(pair.key) && typeof pair.key.value === 'string') pair.key.value = unmaskReferences(pair.key.value);
    },
  });
  walkNodes(doc.contents, [], (node, path) => {
    if (!isScalar(node) || typeof node.value !== 'string') return;
    const text = unmaskReferences(node.value);
    if (!text.includes('${')) return;
    const r = expand(text, env);
    if ('error' in r) issues.push(map.issue(path, r.error));
    else {
      node.value = node.type === 'PLAIN' && WHOLE.test(text) ? reread(r.value) : r.value;
      if (typeof node.value !== 'string') rereads.push({ path, text: r.value });
    }
  });
  return issues;
}

/** The value as if it had been written in the file unquoted, but only for numbers, booleans and null. */
function reread(value: string): unknown {
  // `token: ${TOKEN:-}` means "no token": keep '' a string rather than YAML's empty-means-null.
  if (value.trim() === '') return value;
  // A comment marker would silently cut the value short when re-read.
  if (/(^|\s)#/.test(value)) return value;
  const doc = parseDocument(value);
  if (doc.errors.length > 0 || !isScalar(doc.contents)) return value;
  const v = doc.contents.value;
  return typeof v === 'number' || typeof v === 'boolean' || v === null ? v : value;
}
