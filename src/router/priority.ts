/**
 * Route priority: which route wins when several match a request. This comment is the user
 * documentation.
 *
 * Every (route, path pattern) pair whose path matches is a candidate. Candidates are ordered by
 * these rules, each one consulted only when all the rules before it tie:
 *
 *   1. Explicit `priority`: higher wins. Routes without one count as 0, so a negative priority puts
 *      a route below every route that has none. This overrides every rule below.
 *   2. Path kind: exact (`=/a`) beats templated (`/a/{id}`) and regex (`~^/a`), which tie with each
 *      other and beat prefix (`/a`).
 *   3. Specificity: between prefixes the longer prefix wins (`/v1/users` beats `/v1`, `/v1/` beats
 *      `/v1`). Between templates and regexes the one with more literal characters wins: a template
 *      counts every character but its `{param}` placeholders (`/users/{id}` counts 7); a regex
 *      counts plain characters and escaped punctuation, but not metacharacters, classes (`[0-9]`,
 *      `\d`), group syntax or `{m,n}` quantifiers (`^/v[0-9]+/items$` counts 8). Give a regex an
 *      explicit priority when this heuristic is not what you mean.
 *   4. Predicates: more predicates win. Each of these counts 1: `methods`, each `headers` entry,
 *      each `query` entry; `hosts` count 2 when the request matched an exact host and 1 when it
 *      matched a wildcard, so `api.example.com` beats `*.example.com` beats no host at all.
 *   5. Declaration order: the earlier route wins (and within a route, its earlier path).
 *
 * A route wins only if ALL its predicates pass; otherwise the next candidate in this order is
 * tried. If none is left the request gets a 404.
 *
 * Implementation: every candidate's order is fixed at compile time, so the router sorts all
 * candidates once and stores each one's position as an integer `rank` (0 = best); matching compares
 * integers.
 */
import type { PathKind } from './path-pattern.ts';

export interface PriorityKey {
  route: string; // route name, for messages
  pattern: string; // pattern source, for messages
  priority: number;
  kind: PathKind;
  specificity: number;
  score: number;
  routeIndex: number;
  patternIndex: number;
}

/** Rule 2 as a number: higher is stronger. Template and regex share a class on purpose. */
export function kindClass(kind: PathKind): number {
  return kind === 'exact' ? 2 : kind === 'prefix' ? 0 : 1;
}

/**
 * Negative when `a` outranks `b`. A total order: (routeIndex, patternIndex) never tie across keys.
 */
export function comparePriority(a: PriorityKey, b: PriorityKey): number {
  return (
    b.priority - a.priority ||
    kindClass(b.kind) - kindClass(a.kind) ||
    b.specificity - a.specificity ||
    b.score - a.score ||
    a.routeIndex - b.routeIndex ||
    a.patternIndex - b.patternIndex
  );
}

/** Which rule made `winner` beat `loser`, in words, for `explain`. */
export function beatReason(winner: PriorityKey, loser: PriorityKey): string {
  if (winner.priority !== loser.priority) {
    return `explicit priority ${winner.priority} vs ${loser.priority}`;
  }
  if (kindClass(winner.kind) !== kindClass(loser.kind)) return `${winner.kind} beats ${loser.kind}`;
  if (winner.specificity !== loser.specificity) {
    if (winner.kind === 'prefix') return `longer prefix ${winner.pattern} beats ${loser.pattern}`;
    return (
      `more literal characters: ${winner.pattern} (${winner.specificity}) ` +
      `beats ${loser.pattern} (${loser.specificity})`
    );
  }
  if (winner.score !== loser.score) return `more predicates (${winner.score} vs ${loser.score})`;
  return 'declared earlier';
}
