// Names in a query that the user never wrote. "invert a matrix with numpy", "publish
// messages to a rabbitmq queue", "parse an xml file with elementtree": the sentence model
// reads such a query as its topic (matrix, queue, file) and scores the user's matrix or queue
// snippets as well as it scores the right answer to a paraphrase, so no threshold on the
// score tells them apart. What does is the query's words: a paraphrase ("move a pile of disks
// between three pegs") avoids the corpus's words but is ordinary English; a library, format,
// tool or language is a name — not an English word, not a word of the algorithm lexicon or
// the exercise vocabulary — and when it is also nowhere in the user's snippets (no import,
// identifier, comment or title has it, nor a word within typo distance of it), none of them
// can be what the query asks for. Such a query answers nothing (hybrid.ts).
//
// English words come from `word-list` (english.ts); a query word is looked up only when the
// user's vocabulary lacks it. A word one typo from an English word is English too: the
// check generates the word's one-edit variants and looks each up (hand-written, 20 lines: a
// spell-checking library such as nspell would bring hunspell affix rules for the same answer).
import { aliasOf, conceptsOf } from "./concepts.js";
import { englishWords } from "./english.js";
import type { LexicalIndex } from "./lexical.js";
import { queryStems } from "./lexical.js";
import { isExerciseWord } from "./spelling.js";
import { PY_KEYWORDS, proseWords, splitIdentifier, writtenAsCode } from "./text-features.js";

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** One edit (a letter dropped, added, changed, or two swapped) from an English word, the
 * first letter kept — a typo ("problm"), not a name. Words under six letters have too many
 * such neighbours in a list this long ("numpy" → numpty, "oauth" → oath). About 55 × length
 * set look-ups. */
function nearEnglish(w: string): boolean {
  if (w.length < 6) return false;
  const words = englishWords();
  for (let i = 1; i <= w.length; i++) {
    const head = w.slice(0, i);
    const tail = w.slice(i);
    if (i < w.length && words.has(head + tail.slice(1))) return true;
    if (i < w.length - 1 && words.has(head + (tail[1] ?? "") + (tail[0] ?? "") + tail.slice(2)))
      return true;
    for (const c of LETTERS) {
      if (i < w.length && words.has(head + c + tail.slice(1))) return true;
      if (words.has(head + c + tail)) return true;
    }
  }
  return false;
}

/** Words of the Python language itself — keywords, builtins, the special-method names
 * without their underscores, float("inf")'s spellings: they are in every user's code, so a
 * query that says "__init__", "len" or "inf" names nothing the user could lack, even where
 * the word index leaves such words out as too common to describe a snippet. */
const PYTHON_WORDS = new Set([
  ...PY_KEYWORDS,
  ...`aiter anext any all ascii bin breakpoint bytearray
  bytes callable chr classmethod compile complex delattr dir divmod eval exec format
  frozenset getattr globals hasattr hash help hex id input issubclass iter locals
  memoryview next oct open ord pow property repr reversed round setattr slice sorted
  staticmethod vars eq ne lt le gt ge contains getitem setitem delitem call enter exit
  name doc slots post inf nan kwargs args`.split(/\s+/),
]);

/** Shorter words are abbreviations more often than names ("js", "ui", "io"). */
const MIN_NAME = 3;

/** A word any user might write about code: English, the exercise vocabulary (spelling.ts)
 * or the algorithm lexicon (concepts.ts), aliases included ("bfs", "dp"). */
export function isKnownWord(word: string): boolean {
  const w = word.toLowerCase().replace(/\d+$/, "");
  if (w.length < MIN_NAME || PYTHON_WORDS.has(w)) return true;
  if (isExerciseWord(w) || aliasOf(w) !== w) return true;
  const stems = queryStems(w);
  if (stems.some((s) => conceptsOf(s).length > 0)) return true;
  return englishWords().has(w) || nearEnglish(w);
}

/** The query's words with their case kept, so a name written as code splits the way the
 * code's own names were split into the index ("OrderedDict" → ordered, dict; lower-casing
 * first would leave "ordereddict", which no snippet's words hold). */
function queryWords(text: string): string[] {
  return text.match(/[A-Za-z0-9_+#]+/g) ?? [];
}

/** Words of a query looked at, as many as the lexical index reads (lexical.ts queryStems). */
const MAX_WORDS = 32;

/** The query's words that are names (not known words) and that no snippet of the user's
 * has, exactly or within the lexical index's typo distance; at most `max` of them (the
 * search needs to know only whether there is one). */
export function unmetNames(text: string, lexical: LexicalIndex, max = MAX_WORDS): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const word of queryWords(text)) {
    // Read as code names are read when the split changes the word: "ListNode" → list,
    // node; "maxN" → max (a one-letter piece is dropped in the code's names too).
    for (const part of writtenAsCode(word) ? splitIdentifier(word) : proseWords(word)) {
      if (seen.has(part)) continue;
      seen.add(part);
      if (seen.size > MAX_WORDS) return out;
      const stems = queryStems(part);
      // Cheapest first: the user's exact words, then the known words, then the typo scan of
      // the user's vocabulary, which only a rare word reaches.
      if (stems.length === 0 || stems.some((s) => lexical.has(s))) continue;
      if (isKnownWord(part)) continue;
      if (lexical.understand(stems).some((t) => t.matches.length > 0)) continue;
      out.push(part);
      if (out.length >= max) return out;
    }
  }
  return out;
}
