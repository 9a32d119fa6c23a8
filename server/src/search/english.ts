// The English words, from `word-list` (sindresorhus, MIT; 274,000 words, inflections
// included), read once at start (or on first use). Two readers: the named-terms rule (a word
// that is English is not a name, named-terms.ts) and the spelling correction (a word that is
// English is not a typo, spelling.ts).
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import wordListPath from "word-list";

/** word-list has no proper nouns; the calendar's are ordinary words all the same. */
const CALENDAR = `january february march april may june july august september october november
  december monday tuesday wednesday thursday friday saturday sunday`.split(/\s+/);

let english: Set<string> | undefined;
const wordsOf = (text: string) => new Set([...text.split("\n"), ...CALENDAR]);

export function englishWords(): Set<string> {
  english ??= wordsOf(readFileSync(wordListPath, "utf8"));
  return english;
}

/** Reads the English list at start (search-module.ts), so no request pays for it: about
 * 21 MB of heap and 0.1–1 s of one core, depending on the machine's load. */
export async function loadEnglishWords(): Promise<void> {
  const text = await readFile(wordListPath, "utf8");
  english ??= wordsOf(text);
}
