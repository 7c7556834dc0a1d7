/**
 * Path index for exact, prefix and template patterns: a hash map for exact paths plus a segment trie.
 * Walking the trie along the request path visits only the nodes the path can reach, so the cost depends
 * on the path's depth and the entries on that walk, not on how many routes exist.
 *
 * Every node keeps its entry lists sorted by rank and the best rank anywhere below it (`minRank`), so the
 * walk skips lists and whole subtrees that cannot beat the best candidate found so far.
 */
import type { Entry } from './entry.ts';
import { otherPredicatesPass, type RequestFacts } from './predicates.ts';

class TrieNode<R> {
  children: Map<string, TrieNode<R>> | null = null;
  param: TrieNode<R> | null = null;
  /** prefix patterns ending here without a slash: `/v1` matches `/v1` and `/v1/...` */
  prefix: Array<Entry<R>> = [];
  /** prefix patterns ending here with a slash: `/v1/` needs a `/` after the node */
  slashPrefix: Array<Entry<R>> = [];
  /** templates ending here */
  template: Array<Entry<R>> = [];
  minRank = Infinity;
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
  private readonly exact = new Map<string, Array<Entry<R>>>();
  private readonly root = new TrieNode<R>();
  private readonly stack: number[] = []; // param bounds on the current walk

  /** Add a non-regex entry. Call `finish()` after the last one and before matching. */
  add(entry: Entry<R>): void {
    const p = entry.pattern;
    if (p.kind === 'exact') {
      const list = this.exact.get(p.path);
      if (list) list.push(entry);
      else this.exact.set(p.path, [entry]);
      return;
    }
    let node = this.root;
    if (p.kind === 'template') {
      for (const seg of p.segments) node = seg === null ? (node.param ??= new TrieNode()) : child(node, seg);
      node.template.push(entry);
      return;
    }
    // prefix: `/` is a slash-prefix at the root, `/v1/` a slash-prefix at node v1, `/v1` a prefix there
    const body = p.slashPrefix ? p.path.slice(1, -1) : p.path.slice(1);
    if (body !== '') for (const seg of body.split('/')) node = child(node, seg);
    (p.slashPrefix ? node.slashPrefix : node.prefix).push(entry);
  }

  finish(): void {
    for (const list of this.exact.values()) list.sort(byRank);
    finishNode(this.root);
  }

  /** Offer every entry whose path matches `path` and that beats `best` to `best`. */
  collect(path: string, req: RequestFacts, best: Best<R>): void {
    const exact = this.exact.get(path);
    if (exact !== undefined) {
      const e = firstPassing(exact, req, best.rank);
      if (e !== null) best.take(e);
    }
    this.walk(this.root, path, 0, req, best);
  }

  // `pos` is the index of the '/' after the segments consumed so far, or path.length at the end.
  private walk(node: TrieNode<R>, path: string, pos: number, req: RequestFacts, best: Best<R>): void {
    if (node.minRank >= best.rank) return;
    const len = path.length;
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
    const slash = path.indexOf('/', pos + 1);
    const end = slash < 0 ? len : slash;
    if (node.children !== null) {
      const next = node.children.get(path.slice(pos + 1, end));
      if (next !== undefined) this.walk(next, path, end, req, best);
    }
    // a param needs a non-empty segment (only a non-normalized path could have `//` here)
    if (node.param !== null && end > pos + 1) {
      this.stack.push(pos + 1, end);
      this.walk(node.param, path, end, req, best);
      this.stack.length -= 2;
    }
  }
}

function child<R>(node: TrieNode<R>, seg: string): TrieNode<R> {
  node.children ??= new Map();
  let next = node.children.get(seg);
  if (next === undefined) {
    next = new TrieNode();
    node.children.set(seg, next);
  }
  return next;
}

function finishNode<R>(node: TrieNode<R>): number {
  let min = Infinity;
  for (const list of [node.prefix, node.slashPrefix, node.template]) {
    list.sort(byRank);
    if (list[0] !== undefined) min = Math.min(min, list[0].rank);
  }
  if (node.children !== null) for (const c of node.children.values()) min = Math.min(min, finishNode(c));
  if (node.param !== null) min = Math.min(min, finishNode(node.param));
  node.minRank = min;
  return min;
}
