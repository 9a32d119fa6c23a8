// One score for a snippet against a query, with the same meaning for every query:
//   semantic = the embedding cosine placed on the embedder's calibrated scale
//              (0 at "unrelated", 1 at "about the same thing", see embedder.ts);
//   lexical  = the share of the query's IDF weight the snippet's words cover (lexical.ts);
//   score    = a blend that rewards agreement, 0..1.
// Nothing is rescaled to the best hit, so a page of weak matches reads as weak: results under
// MIN_SCORE are dropped, and a reply whose best score is under STRONG_SCORE says `weak`.
import type { ScoreCalibration } from "./embedder.js";

/** Below this a snippet is not shown at all. */
export const MIN_SCORE = 0.3;
/** A reply whose best result scores under this is flagged weak. */
export const STRONG_SCORE = 0.5;

export const BLEND = { semantic: 0.6, lexical: 0.4, agreement: 0.3 };

export function calibrate(cos: number, c: ScoreCalibration): number {
  return Math.max(0, Math.min(1, (cos - c.unrelated) / (c.same - c.unrelated)));
}

export function blend(semantic: number | undefined, lexical: number): number {
  if (semantic === undefined) return lexical;
  const base = BLEND.semantic * semantic + BLEND.lexical * lexical;
  // Both signals agreeing is stronger evidence than either alone.
  const bonus = BLEND.agreement * Math.min(semantic, lexical);
  return Math.min(1, base + bonus * (1 - base));
}

export interface Scored {
  id: string;
  score: number;
}

/** Blended, thresholded and ordered (ties by id, so pages are stable). */
export function rank(
  ids: Iterable<string>,
  cosine: (id: string) => number | undefined,
  lexical: (id: string) => number,
  calibration: ScoreCalibration | undefined,
): Scored[] {
  const out: Scored[] = [];
  for (const id of ids) {
    const cos = cosine(id);
    const semantic = cos === undefined || !calibration ? undefined : calibrate(cos, calibration);
    const score = blend(semantic, lexical(id));
    if (score >= MIN_SCORE) out.push({ id, score });
  }
  return out.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}
