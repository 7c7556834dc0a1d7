/**
 * Path index for exact, prefix and template patterns: one segment trie. Walking it along the request
 * path visits only the nodes the path can reach, so the cost depends on the path's depth and the entries
 * met on the way, not on how many routes exist.
 *
 * Allocation-free walk: instead of slicing each segment to look it up in a Map<string> (a new string and
 * its hash per segment, measurably the biggest cost), the walk hashes the segment's characters while it
 * scans for the next '/', looks the number up, and confirms with `startsWith` at the same offset.
 *
 * Every node keeps its entry lists sorted by rank and the best rank anywhere below it (`minRank`), so the
 * walk skips lists and whole subtrees that cannot beat the best candidate found so far.
 */
import type { Entry } from './entry.ts';
import { otherPredicatesPass, type RequestFacts } from './predicates.ts';

class TrieNode<R> {
  /** the literal segment leading here ('' for the root and param nodes) */
  readonly seg: string;
  /** next child of the same parent whose segment has the same hash */
  collision: TrieNode<R> | null = null;
  children: Map<number, TrieNode<R>> | null = null;
  param: TrieNode<R> | null = null;
  /** exact patterns ending here: `=/v1/users` needs the path to end here */
  exact: Array<Entry<R>> = [];
  /** exact patterns ending here with a slash: `=/v1/users/` (and `=/` at the root) */
  exactSlash: Array<Entry<R>> = [];
  /** prefix patterns ending here without a slash: `/v1` matches `/v1` and `/v1/...` */
  prefix: Array<Entry<R>> = [];
  /** prefix patterns ending here with a slash: `/v1/` needs a `/` after the node */
  slashPrefix: Array<Entry<R>> = [];
  /** templates ending here */
  template: Array<Entry<R>> = [];
  minRank = Infinity;

  constructor(seg: string) {
    this.seg = seg;
  }
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
function firstPassing<R>(list: Array<Entry<R>>, req: RequestFacts, bestRank: number): Entry<R> | null {
  for (const e of list) {
    if (e.rank >= bestRank) return null;
    if (otherPredicatesPass(e.predicates, req)) return e;
  }
  return null;
}

export class PathIndex<R> {
  private readonly root = new TrieNode<R>('');
  private readonly stack: number[] = []; // param bounds on the current walk

  /** Add a non-regex entry. Call `finish()` after the last one and before matching. */
  add(entry: Entry<R>): void {
    const p = entry.pattern;
    let node = this.root;
    if (p.kind === 'template') {
      for (const seg of p.segments) node = seg === null ? (node.param ??= new TrieNode('')) : child(node, seg);
      node.template.push(entry);
      return;
    }
    // `/` ends at the root with a slash, `/v1/` at node v1 with a slash, `/v1` at node v1 without
    const slash = p.path.endsWith('/');
    const body = slash ? p.path.slice(1, -1) : p.path.slice(1);
    if (body !== '') for (const seg of body.split('/')) node = child(node, seg);
    if (p.kind === 'exact') (slash ? node.exactSlash : node.exact).push(entry);
    else (slash ? node.slashPrefix : node.prefix).push(entry);
  }

  finish(): void {
    finishNode(this.root);
  }

  /** Offer every entry whose path matches `path` and that beats `best` to `best`. */
  collect(path: string, req: RequestFacts, best: Best<R>): void {
    this.walk(this.root, path, 0, req, best);
  }

  // `pos` is the index of the '/' after the segments consumed so far, or path.length at the end.
  private walk(node: TrieNode<R>, path: string, pos: number, req: RequestFacts, best: Best<R>): void {
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
        best.bounds = this.stack.slice();
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
    if (node.children !== null) {
      let next = node.children.get(h) ?? null;
      while (next !== null) {
        if (next.seg.length === end - start && path.startsWith(next.seg, start)) {
          this.walk(next, path, end, req, best);
          break;
        }
        next = next.collision;
      }
    }
    if (node.param !== null) {
      this.stack.push(start, end);
      this.walk(node.param, path, end, req, best);
      this.stack.length -= 2;
    }
  }
}

function child<R>(node: TrieNode<R>, seg: string): TrieNode<R> {
  node.children ??= new Map();
  const h = hashOf(seg);
  const first = node.children.get(h);
  for (let c = first ?? null; c !== null; c = c.collision) if (c.seg === seg) return c;
  const next = new TrieNode<R>(seg);
  next.collision = first ?? null;
  node.children.set(h, next);
  return next;
}

function finishNode<R>(node: TrieNode<R>): number {
  let min = Infinity;
  for (const list of [node.exact, node.exactSlash, node.prefix, node.slashPrefix, node.template]) {
    list.sort(byRank);
    if (list[0] !== undefined) min = Math.min(min, list[0].rank);
  }
  if (node.children !== null) {
    for (const first of node.children.values()) {
      for (let c: TrieNode<R> | null = first; c !== null; c = c.collision) min = Math.min(min, finishNode(c));
    }
  }
  if (node.param !== null) min = Math.min(min, finishNode(node.param));
  node.minRank = min;
  return min;
}
