// The offline embedder (embedded default, no key, no network): a deterministic "bag of
// meanings" — words of the title, description, identifiers (split on case and underscores)
// and comments, plus algorithm-family concepts and structural hints — hashed with signs into
// a fixed-size vector and normalised. Good at vocabulary and family overlap; it knows no
// synonyms beyond its lexicon (see concepts.ts) and no meaning beyond words.
import { aliasOf, conceptsOf, phraseConcept } from "./concepts.js";
import {
  EMBEDDING_DIMENSIONS,
  type EmbeddableSnippet,
  type Embedder,
  normalize,
} from "./embedder.js";
import { codeParts, proseWords, splitIdentifier, stem } from "./text-features.js";

const WEIGHTS = { title: 3, description: 2, identifier: 1, prose: 1.5, concept: 0.6 };

/** FNV-1a, 32-bit: stable across runs and platforms, unlike a seeded hash. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

class Features {
  readonly weights = new Map<string, number>();

  add(feature: string, weight: number): void {
    this.weights.set(feature, (this.weights.get(feature) ?? 0) + weight);
  }

  word(raw: string, weight: number): void {
    const s = stem(aliasOf(raw.toLowerCase()));
    if (s.length < 2) return;
    this.add(`w:${s}`, weight);
    for (const c of conceptsOf(s)) this.add(`c:${c}`, weight * WEIGHTS.concept);
  }

  words(text: string | null, weight: number): void {
    let previous: string | undefined;
    for (const w of proseWords(text ?? "")) {
      for (const part of splitIdentifier(w).length > 1 ? splitIdentifier(w) : [w]) {
        this.word(part, weight);
        const current = stem(aliasOf(part));
        const phrase = previous && phraseConcept(previous, current);
        if (phrase) this.add(`c:${phrase}`, weight * 2);
        previous = current;
      }
    }
  }
}

export class OfflineEmbedder implements Embedder {
  readonly model = "offline-hash-v1";
  readonly dimensions: number;
  /** Hashed word overlap: a few shared words already give 0.2, an unrelated text ~0. */
  readonly calibration = { unrelated: 0.05, same: 0.5 };

  constructor(dimensions = EMBEDDING_DIMENSIONS) {
    this.dimensions = dimensions;
  }

  async embedDocuments(docs: EmbeddableSnippet[]): Promise<number[][]> {
    return docs.map((d) => this.documentVector(d));
  }

  async embedQuery(text: string): Promise<number[]> {
    const f = new Features();
    f.words(text, 1);
    return this.hash(f);
  }

  documentVector(doc: EmbeddableSnippet): number[] {
    const f = new Features();
    f.words(doc.title, WEIGHTS.title);
    f.words(doc.description, WEIGHTS.description);
    const parts = codeParts(doc.code);
    for (const w of parts.identifiers) f.word(w, WEIGHTS.identifier);
    for (const w of parts.prose) f.word(w, WEIGHTS.prose);
    for (const s of parts.structure) f.add(`s:${s}`, 0.3);
    // Structure a person would name in words.
    if (parts.structure.includes("recursion")) f.word("recursive", 1);
    if (parts.structure.includes("memoization")) f.word("memoization", 1);
    return this.hash(f);
  }

  /** Sublinear weights: a word repeated 20 times is not 20 times as meaningful. Unsigned
   * buckets keep every similarity ≥ 0, so a score reads as "how much in common". */
  private hash(f: Features): number[] {
    const v = new Array<number>(this.dimensions).fill(0);
    for (const [feature, weight] of f.weights) {
      const i = fnv1a(feature) % this.dimensions;
      v[i] = (v[i] as number) + Math.log1p(weight);
    }
    return normalize(v);
  }
}
