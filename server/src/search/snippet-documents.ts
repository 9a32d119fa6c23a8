// How snippets become search documents: Big-O in the index's notation, words for full
// text, and one embedding call for the whole batch. A pure mapping: it reads the rows it is
// given and writes nothing (an estimated Big-O is recorded by the snippet service first).

import { indexNotation } from "../analysis/complexity-notation.js";
import type { SnippetRow } from "../platform/db/schema/index.js";
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
  embedder: Embedder;
}

const complexityOf = (row: SnippetRow) => ({
  time: row.timeComplexity ? indexNotation(row.timeComplexity) : null,
  space: row.spaceComplexity ? indexNotation(row.spaceComplexity) : null,
});

/** Lets other work run between CPU steps: each step on a large snippet takes tens of
 * milliseconds, and no request may wait behind several of them in a row (issue 10). */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function toDocuments(
  rows: SnippetRow[],
  deps: DocumentDeps,
): Promise<IndexedSnippet[]> {
  if (rows.length === 0) return [];
  const complexities = rows.map(complexityOf);
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
