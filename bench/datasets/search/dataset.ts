// Loads a labelled search set. Three parts: `dev` (this folder; tuned on), `holdout`
// (holdout/; written before any tuning and never tuned on — it measures what a change does
// to search people actually run) and `holdout2` (holdout-2/, below). Each part has snippets-*.txt (one
// "### id | family | title | time | space [| language]" header per snippet, code below it),
// queries.json (query → family and relevant ids) and similar.json (near-duplicate pairs).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const DIR = dirname(fileURLToPath(import.meta.url));

/** `holdout2` (holdout-2/): a second held-out part, written on 2026-11-29 by someone who had
 * read neither the search code nor its tuning nor the other parts' queries, after the first
 * held-out part had been measured too often to be blind. */
export const PARTS = ["dev", "holdout", "holdout2", "holdout3"] as const;
export type Part = (typeof PARTS)[number];
const DIRS: Record<Part, string> = {
  dev: DIR,
  holdout: join(DIR, "holdout"),
  holdout2: join(DIR, "holdout-2"),
  holdout3: join(DIR, "holdout-3"),
};
const dirOf = (part: Part) => DIRS[part];
export const isPart = (p: string): p is Part => (PARTS as readonly string[]).includes(p);

export interface LabelledSnippet {
  id: string;
  family: string;
  title: string | null;
  time: string | null;
  space: string | null;
  language: string;
  code: string;
}

export const QUERY_FAMILIES = [
  "topic",
  "paraphrase",
  "code",
  "complexity",
  "misspelling",
  "short",
  "no-match",
] as const;
export type QueryFamily = (typeof QUERY_FAMILIES)[number];

export interface LabelledQuery {
  family: QueryFamily;
  q: string;
  /** Empty for a no-match query: any result is a false positive. */
  relevant: string[];
  /** The file it came from (queries.json, queries-2.json, …). */
  batch?: string;
}

export function loadSnippets(part: Part = "dev"): LabelledSnippet[] {
  const dir = dirOf(part);
  const out: LabelledSnippet[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => /^snippets-\d+\.txt$/.test(f))
    .sort()) {
    const text = readFileSync(join(dir, file), "utf8");
    for (const block of text.split(/^### /m).slice(1)) {
      const newline = block.indexOf("\n");
      const [id, family, title, time, space, language] = block
        .slice(0, newline)
        .split("|")
        .map((s) => s.trim());
      out.push({
        id: id ?? "",
        family: family ?? "",
        title: title || null,
        time: time || null,
        space: space || null,
        language: language || "python",
        code: `${block.slice(newline + 1).trimEnd()}\n`,
      });
    }
  }
  return out;
}

export function loadQueries(part: Part = "dev"): LabelledQuery[] {
  // queries.json, then queries-2.json, …: later files are batches added to the part (the dev
  // part's second batch was written for issue 16 without looking at the held-out queries).
  const dir = dirOf(part);
  return readdirSync(dir)
    .filter((f) => /^queries(-\d+)?\.json$/.test(f))
    .sort()
    .flatMap((f) =>
      (JSON.parse(readFileSync(join(dir, f), "utf8")) as LabelledQuery[]).map((q) => ({
        ...q,
        batch: f,
      })),
    );
}

/** Pairs of near-duplicates (same algorithm, other shape or names): each should find the
 * other among its top 3 similar snippets. */
export function loadSimilarPairs(part: Part = "dev"): [string, string][] {
  return JSON.parse(readFileSync(join(dirOf(part), "similar.json"), "utf8")) as [string, string][];
}
