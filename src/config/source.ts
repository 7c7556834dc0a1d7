import {
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import { formatPath, type ConfigIssue, type Path } from './issues.ts';

interface Pos {
  line: number;
  column: number;
}

interface Entry {
  /** Where the value starts. */
  value?: Pos;
  /** Where the map key naming it starts (absent for array items and the root). */
  key?: Pos;
}

/**
 * Source positions of every node in the parsed document, by config path. The config is validated as plain
 * data (what `toJS()` returns); this map is how an issue found in that data points back at the file.
 */
export class SourceMap {
  readonly file: string;
  private readonly entries = new Map<string, Entry>();

  constructor(file: string) {
    this.file = file;
  }

  set(path: Path, entry: Entry): void {
    this.entries.set(pathKey(path), entry);
  }

  /**
   * An issue positioned at `at` (the value, or the key naming it). Paths the file does not spell out (values
   * filled in by defaults, keys brought in through aliases) fall back to their nearest spelled-out ancestor.
   */
  issue(path: Path, message: string, at: 'value' | 'key' = 'value'): ConfigIssue {
    const issue: ConfigIssue = { path: formatPath(path), message, file: this.file };
    for (let n = path.length; n >= 0; n--) {
      const e = this.entries.get(pathKey(path.slice(0, n)));
      const pos =
        e && ((n === path.length && at === 'key' ? e.key : undefined) ?? e.value ?? e.key);
      if (pos) return { ...issue, line: pos.line, column: pos.column };
    }
    return issue;
  }
}

// JSON keeps `a.b` (one key) apart from `a` → `b` (two keys), which a formatted path would not.
function pathKey(path: Path): string {
  return JSON.stringify(path);
}

export interface ParsedSource {
  doc: Document;
  map: SourceMap;
  issues: ConfigIssue[];
}

/** Parse YAML (JSON is YAML) keeping positions; syntax errors and duplicate keys become issues. */
export function parseSource(rawText: string, file: string): ParsedSource {
  const text = maskReferences(rawText);
  const lc = new LineCounter();
  // prettyErrors off: we print our own `(file:line:col)` and want the bare message.
  const doc = parseDocument(text, {
    lineCounter: lc,
    prettyErrors: false,
    uniqueKeys: true,
    merge: true,
  });
  const map = new SourceMap(file);
  const at = (offset: number): Pos => {
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
  // After the first real syntax error the parser's further errors are mostly its own confusion (one missing
  // `]` yields dozens); duplicate keys are independent of each other, so all of those are kept.
  const firstSyntax = doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
  const errors = doc.errors.filter((e) => e.code === 'DUPLICATE_KEY' || e === firstSyntax);
  const issues: ConfigIssue[] = [...errors, ...doc.warnings].map((e) => ({
    path: '',
    message: e.message,
    file,
    ...at(e.pos[0]),
  }));
  if (doc.contents) record(doc.contents, map, at);
  return { doc, map, issues };
}

/** Visit every map value and sequence item with its config path (keys are not values: not visited). */
export function walkNodes(
  node: Node,
  path: Path,
  fn: (node: Node, path: Path, keyNode: Node | undefined) => void,
  keyNode?: Node,
): void {
  fn(node, path, keyNode);
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = keyName(pair.key);
      if (k === undefined || !isNodeLike(pair.value)) continue;
      walkNodes(pair.value, [...path, k], fn, isNodeLike(pair.key) ? pair.key : undefined);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      if (isNodeLike(item)) walkNodes(item, [...path, i], fn);
    });
  }
}

function record(root: Node, map: SourceMap, at: (offset: number) => Pos): void {
  walkNodes(root, [], (node, p, keyNode) => {
    const entry: Entry = {};
    if (keyNode?.range) entry.key = at(keyNode.range[0]);
    // `name:` with nothing after it is an empty scalar sitting right after the colon; the key is the better spot.
    const empty = isScalar(node) && node.value === null && node.source === '';
    if (node.range && !(empty && entry.key)) entry.value = at(node.range[0]);
    map.set(p, entry);
  });
}

/** The string key `toJS()` would produce for a map key node, or undefined for keys we do not map (complex keys). */
function keyName(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (typeof key === 'string' || typeof key === 'number') return String(key);
  return undefined;
}

function isNodeLike(v: unknown): v is Node {
  return isScalar(v) || isMap(v) || isSeq(v) || isAlias(v);
}

/**
 * `${VAR}` is not valid inside a YAML flow collection (`{ key: ${KEY} }`: `{` and `}` are flow indicators),
 * yet users write it there. Before parsing, each reference's braces are swapped for look-alike characters of
 * the same length (so every line:column stays exact); interpolation swaps them back (`unmaskReferences`).
 * `$${` (a literal `${`) is left alone.
 */
export const MASK_OPEN = '\u2983';
export const MASK_CLOSE = '\u2984';
const REFERENCE = /(?<!\$)\$\{([^{}\n\r]*)\}/g;

export function maskReferences(text: string): string {
  if (!text.includes('${')) return text;
  return text.replace(REFERENCE, (_m, inner: string) => `$${MASK_OPEN}${inner}${MASK_CLOSE}`);
}

export function unmaskReferences(value: string): string {
  if (!value.includes(MASK_OPEN)) return value;
  return value.replaceAll(`$${MASK_OPEN}`, '${').replaceAll(MASK_CLOSE, '}');
}
