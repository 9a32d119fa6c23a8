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

/** A query answers only when its best candidate reaches this, and then shows every result
 * down to MIN_SCORE. A single threshold on this score cannot tell "no relevant snippet" from
 * "weak but right": a paraphrase's right answer scores 0.25–0.45, the same band as the best
 * candidate of a no-match query that shares a topic word with the user's code. An answer
 * threshold of 0.47 (issue 16) cut dev no-match answers but lost recall on the anonymised
 * dev condition (0.64 → 0.61) and on the held-out part (0.83 → 0.79). What separates them
 * instead is the query's words: a query that names a library, format or tool the user's code
 * never mentions answers nothing (named-terms.ts, applied in hybrid.ts). With that rule the
 * answer score went back to the old floor, 0.3; adopted under a rule stated before measuring
 * (docs/search.md): dev recall@5 and paraphrase recall@5, as written and anonymised, no lower
 * than with 0.3/0.3, and at most 1 in 8 dev no-match runs answering. */
export const ANSWER_SCORE = 0.3;
/** Below this a snippet is not shown, even on a page that answers: the second and third right
 * answers to a paraphrase score 0.25–0.3 (dev paraphrase recall@5 0.63 → 0.68 as written
 * against a floor of 0.3; anonymised 0.49 both). */
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
 * MIN_SCORE) and ordered (ties by id, so pages are stable). `answering` is the word score
 * that may decide whether the query answers (by default the same as `lexical`): the
 * snippet's own words, without those it has only through its idioms (hybrid.ts). */
export function rank(
  ids: Iterable<string>,
  cosine: (id: string) => number | undefined,
  lexical: (id: string) => number,
  calibration: ScoreCalibration | undefined,
  answering: (id: string) => number = lexical,
): Scored[] {
  const out: Scored[] = [];
  let best = 0;
  for (const id of ids) {
    const cos = cosine(id);
    const semantic = cos === undefined || !calibration ? undefined : calibrate(cos, calibration);
    const score = blend(semantic, lexical(id));
    const decides = answering === lexical ? score : blend(semantic, answering(id));
    if (decides > best) best = decides;
    if (score >= MIN_SCORE) out.push({ id, score });
  }
  if (best < ANSWER_SCORE) return [];
  return out.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}
