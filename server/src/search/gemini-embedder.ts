// Gemini embeddings through @google/genai: real semantics (synonyms, paraphrase, code
// meaning) at the cost of a key, network and latency. 768 dimensions by Matryoshka
// truncation, which Gemini leaves unnormalised, so vectors are normalised here.
import type { GoogleGenAI } from "@google/genai";
import {
  EMBEDDING_DIMENSIONS,
  type EmbeddableSnippet,
  type Embedder,
  normalize,
} from "./embedder.js";

/** Gemini's batch limit per embedContent call. */
const BATCH = 100;
/** Long code adds little meaning past this and risks the model's input limit. */
const MAX_CHARS = 8_000;

export function documentText(d: EmbeddableSnippet): string {
  return [d.title, d.description, `language: ${d.language}`, d.code]
    .filter(Boolean)
    .join("\n\n")
    .slice(0, MAX_CHARS);
}

export class GeminiEmbedder implements Embedder {
  readonly dimensions = EMBEDDING_DIMENSIONS;
  /** Not measured here (no key in CI): Gemini's retrieval cosines run higher than a small
   * model's; these follow its documented typical range and should be re-measured with
   * `npm run bench:search` when keyed. */
  readonly calibration = { unrelated: 0.45, same: 0.8 };

  constructor(
    private readonly client: GoogleGenAI,
    readonly model: string,
  ) {}

  async embedDocuments(docs: EmbeddableSnippet[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < docs.length; i += BATCH) {
      const batch = docs.slice(i, i + BATCH);
      out.push(...(await this.embed(batch.map(documentText), "RETRIEVAL_DOCUMENT")));
    }
    return out;
  }

  async embedQuery(text: string): Promise<number[]> {
    const [v] = await this.embed([text], "RETRIEVAL_QUERY");
    if (!v) throw new Error("Gemini returned no embedding");
    return v;
  }

  private async embed(texts: string[], taskType: string): Promise<number[][]> {
    const res = await this.client.models.embedContent({
      model: this.model,
      contents: texts,
      config: { taskType, outputDimensionality: this.dimensions },
    });
    const vectors = (res.embeddings ?? []).map((e) => e.values ?? []);
    if (vectors.length !== texts.length || vectors.some((v) => v.length !== this.dimensions)) {
      throw new Error(
        `Gemini returned ${vectors.length} embeddings of ${vectors[0]?.length ?? 0} dimensions for ${texts.length} texts`,
      );
    }
    return vectors.map(normalize);
  }
}
