/**
 * `Router.explain`: a linear, readable re-derivation of the match decision for humans (admin API,
 * `portico explain`). It deliberately does not reuse the trie: it uses the reference `matchPattern`
 * and the same compile-time ranks, so a test can check that both ways agree.
 */
import type { CompiledRoute, Entry } from './entry.ts';
import { describePattern, matchPattern, type PatternMatch } from './path-pattern.ts';
import { hostMatchKind, predicateFailures, splitHost } from './predicates.ts';
import { beatReason } from './priority.ts';
import type { Explanation, MatchInput } from './router.ts';

interface Eligible<R> {
  row: number;
  entry: Entry<R>;
  match: PatternMatch;
}

export function explainMatch<R>(routes: Array<CompiledRoute<R>>, input: MatchInput): Explanation {
  const { name, port } = splitHost(input.host);
  const candidates: Explanation['candidates'] = [];
  const eligible: Array<Eligible<R>> = [];
  for (const cr of routes) {
    const matched: Array<[number, PatternMatch]> = [];
    cr.patterns.forEach((p, i) => {
      const m = matchPattern(p, input.path);
      if (m !== null) matched.push([i, m]);
    });
    if (matched.length === 0) {
      const what = cr.patterns.map(describePattern).join(', ');
      candidates.push({
        route: cr.name,
        pattern: null,
        outcome: 'no-match',
        reason: `path ${input.path} does not match ${what}`,
      });
      continue;
    }
    const hostKind =
      cr.predicates.hosts.length === 0 ? 0 : hostMatchKind(cr.predicates.hosts, name, port);
    const failures = predicateFailures(cr.predicates, input);
    // the route's best-ranked matching entry for the host variant the request selects (any if none)
    let top: Eligible<R> | null = null;
    for (const [i, m] of matched) {
      for (const e of cr.entries) {
        if (e.key.patternIndex !== i || (hostKind !== 0 && e.hostKind !== hostKind)) continue;
        if (top === null || e.rank < top.entry.rank)
          top = { row: candidates.length, entry: e, match: m };
      }
    }
    if (top === null) throw new Error(`router bug: no entry for route "${cr.name}"`);
    candidates.push({
      route: cr.name,
      pattern: top.entry.pattern.source,
      outcome: 'lost',
      reason: failures.join('; '),
    });
    if (failures.length === 0) eligible.push(top);
  }
  eligible.sort((a, b) => a.entry.rank - b.entry.rank);
  const [won, runnerUp] = eligible;
  if (won === undefined) return { winner: null, candidates };
  for (const c of eligible.slice(1)) {
    const row = candidates[c.row];
    if (row)
      row.reason = `lost to "${won.entry.key.route}": ${beatReason(won.entry.key, c.entry.key)}`;
  }
  const p = won.entry.pattern;
  const why =
    runnerUp === undefined
      ? 'the only route whose path and predicates match'
      : `priority rule: ${beatReason(won.entry.key, runnerUp.entry.key)} (over "${runnerUp.entry.key.route}")`;
  const row = candidates[won.row];
  if (row) {
    row.outcome = 'won';
    row.reason = `won: ${p.kind} path ${p.source}, ${why}`;
  }
  return {
    winner: {
      route: won.entry.key.route,
      pattern: p.source,
      kind: p.kind,
      params: won.match.params,
      rest: won.match.rest,
    },
    candidates,
  };
}
