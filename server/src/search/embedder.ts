// The Embedder port: text in, a unit-length vector out. Documents and queries are embedded
// separately because models (Gemini) encode them for retrieval differently.

export const EMBEDDING_DIMENSIONS = 768;

export interface EmbeddableSnippet {
  title: string | null;
  description: string | null;
  code: string;
  language: string;
}

export interface Embedder {
  /** Recorded beside each vector, so vectors of different models are never compared. */
  readonly model: string;
  readonly dimensions: number;
  embedDocuments(docs: EmbeddableSnippet[]): Promise<number[][]>;
  embedQuery(text: string): Promise<number[]>;
}

export function normalize(v: number[]): number[] {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  return norm === 0 ? v : v.map((x) => x / norm);
}

/** Cosine of two unit vectors (their dot product). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) dot += (a[i] as number) * (b[i] as number);
  return dot;
}

/** A text with no features (offline) embeds to zeros; such a vector has no direction. */
export const isZeroVector = (v: ArrayLike<number>): boolean => {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
};
