// The ranking both index adapters share once they have a user's corpus and the store's
// nearest vectors: IDF-weighted, typo-tolerant word matching over the whole corpus, joined
// with the vector candidates, every candidate scored on one calibrated scale (ranking.ts),
// and /similar's blend of meaning and code structure.

import type { UserCorpus } from "./corpus-cache.js";
import type { ScoreCalibration } from "./embedder.js";
import { queryStemsFor } from "./lexical.js";
import { unmetNames } from "./named-terms.js";
import { rank, type Scored } from "./ranking.js";

/** Candidates each signal contributes before scoring. */
export const CANDIDATES = 50;

export interface HybridInput {
  corpus: UserCorpus;
  text: string;
  /** Words added by the glossary (glossary-expansion.ts): ranked, not checked as names. */
  expansion?: string | undefined;
  /** Ids the query's filters allow (undefined: all of the user's). */
  allowed: Set<string> | undefined;
  /** The store's nearest vectors, already filtered, with their cosines. */
  vectors: { id: string; cosine: number }[];
  /** Cosines for candidates the vector list did not bring. */
  cosines(ids: string[]): Promise<Map<string, number>>;
  calibration: ScoreCalibration | undefined;
}

export async function hybridRank(input: HybridInput): Promise<Scored[]> {
  const { corpus, allowed } = input;
  // A query that names a library, format or tool none of the user's snippets has asks for
  // something no snippet can be, however close its topic words score (named-terms.ts).
  if (unmetNames(input.text, corpus.lexical, 1).length > 0) return [];
  const words = input.expansion ? `${input.text} ${input.expansion}` : input.text;
  const stems = queryStemsFor(words, corpus.lexical);
  const terms = corpus.lexical.understand(stems);
  const allowedAt = allowed ? (pos: number) => allowed.has(corpus.ids[pos] as string) : undefined;
  const lexical = corpus.lexical.score(terms, allowedAt);
  // Whether the query answers at all is decided as if no snippet had the words it has only
  // through its idioms (idioms.ts): they describe what the code does in a vocabulary of
  // their own, which a query about something else can share or come within a typo of, and
  // which changes what the query's other words weigh. They rank; they do not answer.
  const ownWords = corpus.lexical.touchesIdioms(terms)
    ? corpus.lexical.score(corpus.lexical.understand(stems, true), allowedAt, true)
    : lexical;
  const byLexical = [...lexical]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, CANDIDATES)
    .map(([pos]) => corpus.ids[pos] as string);
  const cos = new Map(input.vectors.map((v) => [v.id, v.cosine]));
  const missing = byLexical.filter((id) => !cos.has(id));
  if (missing.length > 0 && input.calibration) {
    for (const [id, c] of await input.cosines(missing)) cos.set(id, c);
  }
  const ids = new Set([...cos.keys(), ...byLexical]);
  const at = (scores: Map<number, number>) => (id: string) => {
    const pos = corpus.position.get(id);
    return pos === undefined ? 0 : (scores.get(pos) ?? 0);
  };
  const byWords = at(lexical);
  return rank(
    ids,
    (id) => cos.get(id),
    byWords,
    input.calibration,
    ownWords === lexical ? byWords : at(ownWords),
  );
}

/** /similar: how alike two snippets are, from their embeddings' cosine and their code
 * fingerprints' cosine (structure.ts). The fingerprint catches the same algorithm under
 * other names and shapes; the embedding the same purpose by another algorithm (Kadane and
 * the brute-force maximum subarray). On the dev pairs (mostly same purpose, other
 * algorithm): meaning alone 1.00 similar@3, half and half 0.94, 0.7/0.3 0.94, structure
 * alone 0.06. Half and half, because where titles say nothing ("test2") the embeddings of
 * a loop and a recursive binary search are 0.25 apart and their fingerprints 0.77 alike. */
export const SIMILAR_BLEND = { meaning: 0.5, structure: 0.5 };

export function similarScore(meaning: number, structure: number | undefined): number {
  const s = structure ?? meaning;
  return Math.max(0, Math.min(1, SIMILAR_BLEND.meaning * meaning + SIMILAR_BLEND.structure * s));
}

export function cosineF32(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) dot += (a[i] as number) * (b[i] as number);
  return dot;
}
