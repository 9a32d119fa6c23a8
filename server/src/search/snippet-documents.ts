// How snippets become search documents: complexity filled in where missing (and kept on the
// snippet), words for full text, and one embedding call for the whole batch.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../platform/db/database.js";
import { type SnippetRow, snippets } from "../platform/db/schema/index.js";
import { normalizeComplexity } from "./complexity.js";
import type { Embedder } from "./embedder.js";
import { lexicalTerms } from "./lexical.js";
import type { IndexedSnippet } from "./search-index.js";
import { structureVector } from "./structure.js";
import { searchTerms } from "./text-features.js";

/** Estimates complexity for snippets that have none (the static analyser in practice). */
export type ComplexityEstimator = (
  code: string,
) => Promise<{ time: string | null; space: string | null } | null>;

export interface DocumentDeps {
  db: Db;
  embedder: Embedder;
  estimateComplexity?: ComplexityEstimator | undefined;
}

async function complexityOf(row: SnippetRow, deps: DocumentDeps) {
  let time = row.timeComplexity;
  let space = row.spaceComplexity;
  if ((!time || !space) && deps.estimateComplexity) {
    const est = await deps.estimateComplexity(row.code).catch(() => null);
    if (est) {
      if (!time && est.time) time = normalizeComplexity(est.time);
      if (!space && est.space) space = normalizeComplexity(est.space);
      // Stored on the snippet only where it has none, so a person's or the LLM's value wins.
      await deps.db
        .update(snippets)
        .set({
          timeComplexity: sql`coalesce(${snippets.timeComplexity}, ${time})`,
          spaceComplexity: sql`coalesce(${snippets.spaceComplexity}, ${space})`,
        })
        .where(eq(snippets.id, row.id));
    }
  }
  return {
    time: time ? normalizeComplexity(time) : null,
    space: space ? normalizeComplexity(space) : null,
  };
}

/** Lets other work run between CPU steps: each step on a large snippet takes tens of
 * milliseconds, and no request may wait behind several of them in a row (issue 10). */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function toDocuments(
  rows: SnippetRow[],
  deps: DocumentDeps,
): Promise<IndexedSnippet[]> {
  if (rows.length === 0) return [];
  const complexities: { time: string | null; space: string | null }[] = [];
  for (const row of rows) complexities.push(await complexityOf(row, deps));
  const vectors = await deps.embedder.embedDocuments(rows);
  if (vectors.length !== rows.length)
    throw new Error("embedder returned a wrong number of vectors");
  const docs: IndexedSnippet[] = [];
  for (const [i, row] of rows.entries()) {
    await yieldToLoop();
    const terms = searchTerms(row);
    await yieldToLoop();
    const lexical = lexicalTerms(row);
    await yieldToLoop();
    const structure = structureVector(row.code);
    docs.push({
      snippetId: row.id,
      userId: row.userId,
      title: row.title,
      description: row.description,
      language: row.language,
      timeComplexity: complexities[i]?.time ?? null,
      spaceComplexity: complexities[i]?.space ?? null,
      isStarred: row.isStarred,
      terms,
      lexical,
      structure,
      embedding: vectors[i] as number[],
      embeddingModel: deps.embedder.model,
      updatedAt: new Date(row.updatedAt),
    });
  }
  return docs;
}
