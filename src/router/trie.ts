/**
 * Path index for exact, prefix and template patterns: one segment trie. Walking it along the
 * request path visits only the nodes the path can reach, so the cost depends on the path's depth
 * and the entries met on the way, not on how many routes exist.
 *
 * Allocation-free walk: instead of slicing each segment to look it up in a Map<string> (a new
 * string and its hash per segment, measurably the biggest cost), the walk hashes the segment's
 * characters while it scans for the next '/', looks the number up, and confirms by comparing
 * characters in place.
 *
 * Every node keeps its entry lists sorted by rank and the best rank anywhere below it (`minRank`),
 * so the walk skips lists and whole subtrees that cannot beat the best candidate found so far.
 */
import type { Entry } from './entry.ts';
import { otherPredicatesPass, type RequestFacts } from './predicates.ts';

// Shared by every empty entry list: most nodes have none, and one shared array keeps nodes small
// (the trie of 1,000 routes should stay cache-resident). Frozen so a stray push fails loudly.
const NONE = Object.freeze([]) as never[];

// A Map only pays off for wide nodes; narrow ones (the common case) scan a short sibling list.
const TABLE_MIN_CHILDREN = 5;

class TrieNode<R> {
  /** the literal segment leading here ('' for the root and param nodes) and its hash */
  readonly seg: string;
  readonly hash: number;
  /** first child; children are chained through `sibling` */
  kids: TrieNode<R> | null = null;
  sibling: TrieNode<R> | null = null;
  /**
   * wide nodes only (built by finish): hash → child, same-hash children chained through `collision`
   */
  table: Map<number, TrieNode<R>> | null = null;
  collision: TrieNode<R> | null = null;
  param: TrieNode<R> | null = null;
  /** exact patterns ending here: `=/v1/users` needs the path to end here */
  exact: Array<Entry<R>> = NONE;
  /** exact patterns ending here with a slash: `=/v1/users/` (and `=/` at the root) */
  exactSlash: Array<Entry<R>> = NONE;
  /** prefix patterns ending here without a slash: `/v1` matches `/v1` and `/v1/...` */
  prefix: Array<Entry<R>> = NONE;
  /** prefix patterns ending here with a slash: `/v1/` needs a `/` after the node */
  slashPrefix: Array<Entry<R>> = NONE;
  /** templates ending here */
  template: Array<Entry<R>> = NONE;
  minRank = Infinity;

  constructor(seg: string) {
    this.seg = seg;
    this.hash = hashOf(seg);
  }
}

function append<R>(list: Array<Entry<R>>, e: Entry<R>): Array<Entry<R>> {
  if (list === NONE) return [e];
  list.push(e);
  return list;
}

// Kept in small-integer (Smi) range so Map lookups stay on the fast path.
const HASH_MASK = 0x3fffffff;

function hashOf(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) & HASH_MASK;
  return h;
}

/** The best candidate so far. One instance per router, reset per match (match is synchronous). */
export class Best<R> {
  rank = Infinity;
  entry: Entry<R> | null = null;
  /** prefix: index where `rest` starts */
  restStart = 0;
  /** template: [start, end) of each param segment, in order */
  bounds: number[] = [];
  regexMatch: RegExpExecArray | null = null;

  reset(): void {
    this.rank = Infinity;
    this.entry = null;
    this.regexMatch = null;
  }

  take(entry: Entry<R>): void {
    this.rank = entry.rank;
    this.entry = entry;
  }
}

function byRank<R>(a: Entry<R>, b: Entry<R>): number {
  return a.rank - b.rank;
}

/** First entry in a rank-sorted list that beats `bestRank` and whose predicates pass. */
function firstPassing<R>(
  list: Array<Entry<R>>,
  req: RequestFacts,
  bestRank: number,
): Entry<R> | null {
  for (const e of list) {
    if (e.rank >= bestRank) return null;
    if (!e.checks || otherPredicatesPass(e.predicates, req)) return e;
  }
  return null;
}

export class PathIndex<R> {
  private readonly root = new TrieNode<R>('');
  // param bounds on the current walk: [start, end) pairs up to `sp`; a pointer rather than
  // push/`length -=` because shrinking an array's length is a slow path in V8
  private readonly stack: number[] = [];
  private sp = 0;

  /** Add a non-regex entry. Call `finish()` after the last one and before matching. */
  add(entry: Entry<R>): void {
    const p = entry.pattern;
    let node = this.root;
    if (p.kind === 'template') {
      for (const seg of p.segments)
        node = seg === null ? (node.param ??= new TrieNode('')) : child(node, seg);
      node.template = append(node.template, entry);
      return;
    }
    // `/` ends at the root with a slash, `/v1/` at node v1 with a slash, `/v1` at node v1 without
    const slash = p.path.endsWith('/');
    const body = slash ? p.path.slice(1, -1) : p.path.slice(1);
    if (body !== '') for (const seg of body.split('/')) node = child(node, seg);
    if (p.kind === 'exact') {
      if (slash) node.exactSlash = append(node.exactSlash, entry);
      else node.exact = append(node.exact, entry);
    } else if (slash) {
      node.slashPrefix = append(node.slashPrefix, entry);
    } else {
      node.prefix = append(node.prefix, entry);
    }
  }

  finish(): void {
    finishNode(this.root);
  }

  /** Offer every entry whose path matches `path` and that beats `best` to `best`. */
  collect(path: string, req: RequestFacts, best: Best<R>): void {
    this.sp = 0;
    this.walk(this.root, path, 0, req, best);
  }

  // `pos` is the index of the '/' after the segments consumed so far, or path.length at the end.
  private walk(
    node: TrieNode<R>,
    path: string,
    pos: number,
    req: RequestFacts,
    best: Best<R>,
  ): void {
    if (node.minRank >= best.rank) return;
    const len = path.length;
    if (pos === len && node.exact.length > 0) {
      const e = firstPassing(node.exact, req, best.rank);
      if (e !== null) best.take(e);
    }
    if (pos === len - 1 && node.exactSlash.length > 0) {
      const e = firstPassing(node.exactSlash, req, best.rank);
      if (e !== null) best.take(e);
    }
    if (node.prefix.length > 0) {
      const e = firstPassing(node.prefix, req, best.rank);
      if (e !== null) {
        best.take(e);
        best.restStart = pos;
      }
    }
    if (pos < len && node.slashPrefix.length > 0) {
      const e = firstPassing(node.slashPrefix, req, best.rank);
      if (e !== null) {
        best.take(e);
        best.restStart = pos;
      }
    }
    // a template needs the whole path, a trailing slash tolerated
    if (pos >= len - 1 && node.template.length > 0) {
      const e = firstPassing(node.template, req, best.rank);
      if (e !== null) {
        best.take(e);
        best.bounds = this.stack.slice(0, this.sp);
      }
    }
    if (pos >= len - 1) return; // nothing left, or only the trailing slash
    // scan the next segment, hashing as we go (same function as hashOf)
    const start = pos + 1;
    let end = start;
    let h = 0;
    for (; end < len; end++) {
      const c = path.charCodeAt(end);
      if (c === 0x2f) break;
      h = (Math.imul(h, 31) + c) & HASH_MASK;
    }
    if (end === start) return; // `//`: only a non-normalized path; no segment is empty
    const next = findChild(node, path, start, end, h);
    if (next !== null) this.walk(next, path, end, req, best);
    if (node.param !== null) {
      const sp = this.sp;
      this.stack[sp] = start;
      this.stack[sp + 1] = end;
      this.sp = sp + 2;
      this.walk(node.param, path, end, req, best);
      this.sp = sp;
    }
  }
}

function findChild<R>(
  node: TrieNode<R>,
  path: string,
  start: number,
  end: number,
  h: number,
): TrieNode<R> | null {
  const n = end - start;
  if (node.table !== null) {
    for (let c = node.table.get(h) ?? null; c !== null; c = c.collision) {
      if (c.hash === h && c.seg.length === n && sameChars(c.seg, path, start)) return c;
    }
    return null;
  }
  for (let c = node.kids; c !== null; c = c.sibling) {
    if (c.hash === h && c.seg.length === n && sameChars(c.seg, path, start)) return c;
  }
  return null;
}

// `path.startsWith(seg, start)` without the builtin call; segments are short and lengths already
// equal.
function sameChars(seg: string, path: string, start: number): boolean {
  for (let i = 0; i < seg.length; i++)
    if (seg.charCodeAt(i) !== path.charCodeAt(start + i)) return false;
  return true;
}

function child<R>(node: TrieNode<R>, seg: string): TrieNode<R> {
  let last: TrieNode<R> | null = null;
  for (let c = node.kids; c !== null; c = c.sibling) {
    if (c.seg === seg) return c;
    last = c;
  }
  const next = new TrieNode<R>(seg);
  if (last === null) node.kids = next;
  else last.sibling = next; // keep declaration order, so narrow scans are deterministic
  return next;
}

function finishNode<R>(node: TrieNode<R>): number {
  let min = Infinity;
  for (const list of [node.exact, node.exactSlash, node.prefix, node.slashPrefix, node.template]) {
    if (list.length > 1) list.sort(byRank);
    if (list[0] !== undefined) min = Math.min(min, list[0].rank);
  }
  let count = 0;
  for (let c = node.kids; c !== null; c = c.sibling) {
    min = Math.min(min, finishNode(c));
    count++;
  }
  if (count >= TABLE_MIN_CHILDREN) {
    node.table = new Map();
    for (let c = node.kids; c !== null; c = c.sibling) {
      c.collision = node.table.get(c.hash) ?? null;
      node.table.set(c.hash, c);
    }
  }
  if (node.param !== null) min = Math.min(min, finishNode(node.param));
  node.minRank = min;
  return min;
}
