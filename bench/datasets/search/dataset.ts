// Loads the labelled search set: snippets-*.txt (one "### id | family | title | time | space
// [| language]" header per snippet, code below it) and queries.json (query → relevant ids).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const DIR = dirname(fileURLToPath(import.meta.url));

export interface LabelledSnippet {
  id: string;
  family: string;
  title: string | null;
  time: string | null;
  space: string | null;
  language: string;
  code: string;
}

export interface LabelledQuery {
  q: string;
  relevant: string[];
}

export function loadSnippets(): LabelledSnippet[] {
  const out: LabelledSnippet[] = [];
  for (const file of readdirSync(DIR)
    .filter((f) => /^snippets-\d+\.txt$/.test(f))
    .sort()) {
    const text = readFileSync(join(DIR, file), "utf8");
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

export function loadQueries(): LabelledQuery[] {
  return JSON.parse(readFileSync(join(DIR, "queries.json"), "utf8")) as LabelledQuery[];
}
