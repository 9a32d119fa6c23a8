// One score for a snippet against a query, with the same meaning for every query:
//   semantic = the embedding cosine placed on the embedder's calibrated scale
//              (0 at "unrelated", 1 at "about the same thing", see embedder.ts);
//   lexical  = the share of the query's IDF weight the snippet's words cover (lexical.ts);
//   score    = 1 − (1 − 0.9·semantic)(1 − 0.8·lexical): either can carry a match, both
//              agreeing make a stronger one, 0..1.
// Nothing is rescaled to the best hit, so a page of weak matches reads as weak. What is shown
// is decided in two steps: a query whose best candidate scores under ANSWER_SCORE answers
// nothing (nothing the user wrote is about it); a query that has such a candidate shows every
// result down to MIN_SCORE, so the second and third right answers to a paraphrase, which
// score lower than the first, are not cut. A reply whose best score is under STRONG_SCORE
// says `weak`.
import type { ScoreCalibration } from "./embedder.js";

/** A query answers only when its best candidate reaches this. Set on the dev part by a rule
 * stated before measuring the held-out part: the lowest value (0.01 steps) at which at most 1
 * in 8 of 40 dev no-match runs answer anything — the 20 dev no-match queries as written and
 * again with every title and function name removed (SEARCH_BENCH_ANON=1). Their best scores
 * were 0.60, 0.46, 0.46, 0.44, 0.42, … (as written) and 0.72, 0.55, 0.55, 0.40, …
 * (anonymised): at 0.47, 4 of 40 answer (1 and 3). */
export const ANSWER_SCORE = 0.47;
/** Below this a snippet is not shown, even on a page that answers. Chosen on the dev part:
 * the highest 0.05 step that keeps the dev recall@5 of a floor of 0.1 (0.25; 0.3 lost 0.02,
 * the paraphrases' second and third right answers). */
export const MIN_SCORE = 0.25;
/** A reply whose best result scores under this is flagged weak. */
export const STRONG_SCORE = 0.5;

/** How far each signal alone can carry a score. Chosen on the dev part of the labelled set
 * (a sweep of linear and noisy-OR blends, weights and floors): noisy-OR 0.9/0.8 gave the
 * best recall@5 (0.90) with no no-match query answered; the linear blend it replaced 0.88. */
export const BLEND = { semantic: 0.9, lexical: 0.8 };

export function calibrate(cos: number, c: ScoreCalibration): number {
  return Math.max(0, Math.min(1, (cos - c.unrelated) / (c.same - c.unrelated)));
}

/** Noisy-OR: either signal alone can make a match, both together make a stronger one, and
 * the result stays within 0..1 without rescaling. */
export function blend(semantic: number | undefined, lexical: number): number {
  if (semantic === undefined) return lexical;
  return 1 - (1 - BLEND.semantic * semantic) * (1 - BLEND.lexical * lexical);
}

export interface Scored {
  id: string;
  score: number;
}

/** Blended, thresholded (nothing when the best is under ANSWER_SCORE, else each at least
 * MIN_SCORE) and ordered (ties by id, so pages are stable). */
export function rank(
  ids: Iterable<string>,
  cosine: (id: string) => number | undefined,
  lexical: (id: string) => number,
  calibration: ScoreCalibration | undefined,
): Scored[] {
  const out: Scored[] = [];
  let best = 0;
  for (const id of ids) {
    const cos = cosine(id);
    const semantic = cos === undefined || !calibration ? undefined : calibrate(cos, calibration);
    const score = blend(semantic, lexical(id));
    if (score > best) best = score;
    if (score >= MIN_SCORE) out.push({ id, score });
  }
  if (best < ANSWER_SCORE) return [];
  return out.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}
