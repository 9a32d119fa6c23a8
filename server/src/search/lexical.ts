// Word matching that knows which words matter and forgives typos, over one user's snippets:
//  - each document is a bag of stems with a field weight (title 1, description 0.9, code
//    words 0.6, keywords 0.3), computed at sync time (`lexicalTerms`) and stored beside it;
//  - a query word counts by its inverse document frequency, so in "topological sort" the
//    rare "topological" outweighs "sort", which half the snippets contain;
//  - a query word that no snippet has is matched to the user's words within a small edit
//    distance ("knapsak" → knapsack, "bredth" → breadth), credited less than an exact match;
//  - the score is the share of the query's IDF weight a document covers: 0..1, the same
//    meaning for every query, never rescaled to the best hit.
// The index lives in process (see corpus-cache.ts): the same code serves both stores, and a
// user's vocabulary is small enough that a scan of it for a near word takes microseconds.
import { aliasOf, conceptsOf } from "./concepts.js";
import { englishWords } from "./english.js";
import { codeIdioms, isEverydayIdiom } from "./idioms.js";
import { codeParts, proseWords, splitIdentifier, stem, writtenAsCode } from "./text-features.js";

export const FIELD_WEIGHTS = {
  title: 1,
  description: 0.9,
  code: 0.6,
  family: 0.4,
  // Python's keywords and builtins the code uses (isinstance, lambda, yield, zip). At 0.3 a
  // query that is only such a word ("isinstance") could never reach the answer score (0.8 ×
  // 0.3 = 0.24 < 0.3) however exactly the code had it; 0.4 answers it. Adopted under the rule
  // of docs/search.md: dev recall@5 and paraphrase recall@5, as written and anonymised, no
  // lower (0.80 → 0.83 and 0.64 → 0.67 overall; paraphrase 0.68 and 0.49 unchanged).
  keyword: 0.4,
} as const;

/** Families (concepts.ts) as the stems a person would type: "sorting" → sort. */
const FAMILY_STEMS: Record<string, string> = {
  sorting: "sort",
  searching: "search",
  strings: "string",
  hashing: "hash",
  linked: "link",
  backtracking: "backtrack",
  intervals: "interval",
  bits: "bit",
  queue: "queu",
};

const normal = (w: string) => stem(aliasOf(w.toLowerCase()));

/** Words of a query or of prose, identifiers split ("bisect_left" → bisect, left), stemmed. */
export function queryStems(text: string): string[] {
  const out: string[] = [];
  for (const w of proseWords(text)) {
    const parts = splitIdentifier(w);
    for (const p of parts.length > 1 ? parts : [w]) {
      const s = normal(p);
      if (s.length > 1 && !out.includes(s)) out.push(s);
    }
  }
  return out.slice(0, 32);
}

/** A query's stems as the user's index holds them. A word written as code ("ListNode",
 * "setTimeout", "csv.DictReader") is split at its case changes, the way the code's own names
 * were split into the index (queryStems lower-cases first, which would leave "listnode", a
 * word no snippet has) — unless the index holds the word whole: a title "LRUCache" went in
 * through queryStems as one word, and stored terms stay as they were written. */
export function queryStemsFor(text: string, index: LexicalIndex): string[] {
  const out: string[] = [];
  for (const word of text.match(/[A-Za-z0-9_+#]+/g) ?? []) {
    const whole = queryStems(word);
    const split =
      writtenAsCode(word) && whole.some((s) => !index.has(s))
        ? queryStems(splitIdentifier(word).join(" "))
        : whole;
    for (const s of split) if (!out.includes(s)) out.push(s);
    if (out.length >= 32) break;
  }
  return out.slice(0, 32);
}

/** "stem:weight stem:weight …" — the document's side, stored by the sync. */
export function lexicalTerms(doc: {
  title: string | null;
  description: string | null;
  code: string;
}): string {
  const weights = new Map<string, number>();
  const add = (words: string[], w: number) => {
    for (const word of words) {
      const s = normal(word);
      if (s.length < 2 || s.includes(":")) continue;
      weights.set(s, Math.max(weights.get(s) ?? 0, w));
    }
  };
  const parts = codeParts(doc.code);
  add(queryStems(doc.title ?? ""), FIELD_WEIGHTS.title);
  add(queryStems(doc.description ?? ""), FIELD_WEIGHTS.description);
  add(parts.identifiers, FIELD_WEIGHTS.code);
  add(parts.prose, FIELD_WEIGHTS.code);
  add(
    parts.structure.filter((s) => !s.includes("-")),
    FIELD_WEIGHTS.keyword,
  );
  // The families the code's own words belong to, so "sorting" finds a bubble sort titled
  // "test2" whose code only says swap.
  const families = new Set<string>();
  for (const w of [...parts.identifiers, ...parts.prose])
    for (const f of conceptsOf(normal(w))) families.add(f);
  add(
    [...families].map((f) => FAMILY_STEMS[f] ?? f),
    FIELD_WEIGHTS.family,
  );
  // What the code does by its idioms ("binary search" for a `while lo <= hi` halving loop),
  // weighted as a family: evidence from the code's shape, not from its author's words. A
  // stem the snippet has only through an everyday idiom ("an average", "a guessing game") is
  // marked (`stem:~0.4`): it ranks like the others, but it does not make a query answer
  // (IDIOMS_ONLY, hybrid.ts). An algorithm's idiom is as specific as its name: an untitled
  // breadth-first search answers "bfs".
  const idioms = codeIdioms(doc.code);
  add(
    idioms.filter((p) => !isEverydayIdiom(p)).flatMap((phrase) => queryStems(phrase)),
    FIELD_WEIGHTS.family,
  );
  const own = new Set(weights.keys());
  add(
    idioms.filter(isEverydayIdiom).flatMap((phrase) => queryStems(phrase)),
    FIELD_WEIGHTS.family,
  );
  return [...weights]
    .slice(0, 2_000)
    .map(([s, w]) => `${s}:${own.has(s) ? "" : IDIOMS_ONLY}${w}`)
    .join(" ");
}

/** The mark of a stored stem that a snippet has only through its idioms (idioms.ts). */
export const IDIOMS_ONLY = "~";

/** A stored document's words: each stem's weight, and the stems it has only through its
 * idioms. */
export function parseLexicalDocument(text: string): {
  weights: Map<string, number>;
  idiomsOnly: Set<string>;
} {
  const weights = new Map<string, number>();
  const idiomsOnly = new Set<string>();
  for (const pair of text.split(" ")) {
    const i = pair.lastIndexOf(":");
    if (i <= 0) continue;
    const stem = pair.slice(0, i);
    let value = pair.slice(i + 1);
    if (value.startsWith(IDIOMS_ONLY)) {
      idiomsOnly.add(stem);
      value = value.slice(IDIOMS_ONLY.length);
    }
    weights.set(stem, Number(value) || 0);
  }
  return { weights, idiomsOnly };
}

export function parseLexicalTerms(text: string): Map<string, number> {
  return parseLexicalDocument(text).weights;
}

/** Optimal-string-alignment distance (edits and adjacent swaps), giving up above `max`. Both
 * words are at most 40 characters (text-features.ts), so this is bounded work. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    cur[0] = i;
    let best = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, (prev2[j - 2] as number) + 1);
      cur[j] = v;
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
    for (let j = 0; j <= b.length; j++) prev2[j] = prev[j] as number;
    prev = cur;
  }
  return prev[b.length] as number;
}

/** Whether `typed` is `word` with one letter dropped, or with two neighbouring letters
 * swapped: the typos a short word can have without becoming another word. */
export function droppedOrSwapped(typed: string, word: string): boolean {
  if (word.length === typed.length + 1) {
    for (let i = 0; i < word.length; i++)
      if (word.slice(0, i) + word.slice(i + 1) === typed) return true;
    return false;
  }
  if (word.length !== typed.length) return false;
  for (let i = 0; i + 1 < word.length; i++) {
    if (word[i] === typed[i]) continue;
    return (
      word[i] === typed[i + 1] &&
      word[i + 1] === typed[i] &&
      word.slice(i + 2) === typed.slice(i + 2)
    );
  }
  return false;
}

/** Credit for a near word instead of the exact one. */
const FUZZY_CREDIT = [1, 0.8, 0.55];

export interface QueryTerm {
  stem: string;
  idf: number;
  /** Words of the user's that stand for it, with the credit each gets (1 = exact). */
  matches: { stem: string; credit: number }[];
}

/** One user's documents, by position; postings per stem. */
export class LexicalIndex {
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly docs: (Map<string, number> | undefined)[] = [];
  /** Per document, the stems it has only through its idioms (lexicalTerms). */
  private readonly idiomsOnly: (ReadonlySet<string> | undefined)[] = [];
  /** Per stem, how many documents have it among their own words (not only by an idiom). */
  private readonly ownCount = new Map<string, number>();
  private size = 0;

  get documentCount(): number {
    return this.size;
  }

  set(position: number, terms: Map<string, number>, idiomsOnly?: ReadonlySet<string>): void {
    this.remove(position);
    this.docs[position] = terms;
    this.idiomsOnly[position] = idiomsOnly?.size ? idiomsOnly : undefined;
    this.size++;
    for (const [s, w] of terms) {
      let p = this.postings.get(s);
      if (!p) {
        p = new Map();
        this.postings.set(s, p);
      }
      p.set(position, w);
      if (!idiomsOnly?.has(s)) this.ownCount.set(s, (this.ownCount.get(s) ?? 0) + 1);
    }
  }

  remove(position: number): void {
    const old = this.docs[position];
    if (!old) return;
    const idioms = this.idiomsOnly[position];
    for (const s of old.keys()) {
      const p = this.postings.get(s);
      p?.delete(position);
      if (p && p.size === 0) this.postings.delete(s);
      if (idioms?.has(s)) continue;
      const own = (this.ownCount.get(s) ?? 1) - 1;
      if (own > 0) this.ownCount.set(s, own);
      else this.ownCount.delete(s);
    }
    this.docs[position] = undefined;
    this.idiomsOnly[position] = undefined;
    this.size--;
  }

  /** Whether any word these terms match is, in some document, there only through an idiom:
   * if not, reading the user's own words alone (`ownWords`) gives the same scores. */
  touchesIdioms(terms: QueryTerm[]): boolean {
    return terms.some((t) =>
      t.matches.some((m) => (this.ownCount.get(m.stem) ?? 0) !== this.postings.get(m.stem)?.size),
    );
  }

  /** Whether some document has this stem. */
  has(stem: string): boolean {
    return this.postings.has(stem);
  }

  private idf(df: number): number {
    const n = Math.max(1, this.size);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** The query's words with their weights and the user's words that match each. A word
   * nobody has keeps its (high) weight and matches nothing: a query about things the user
   * never wrote scores low everywhere. With `ownWords`, as if no document had the words it
   * has only through its idioms: the words' weights and typo matches the user's own writing
   * gives (score's `ownWords` then reads the same documents). */
  understand(stems: string[], ownWords = false): QueryTerm[] {
    const df = (stem: string) =>
      ownWords ? (this.ownCount.get(stem) ?? 0) : (this.postings.get(stem)?.size ?? 0);
    return stems.map((s) => {
      if (df(s) > 0) {
        return { stem: s, idf: this.idf(df(s)), matches: [{ stem: s, credit: 1 }] };
      }
      const matches: QueryTerm["matches"] = [];
      const max = s.length >= 7 ? 2 : s.length >= 4 ? 1 : 0;
      // Four letters: only a dropped letter or two letters swapped ("quik" → quick, "srot"
      // → sort), and never an English word ("math" is one letter from "match").
      const short = s.length === 4;
      if (max > 0 && !(short && englishWords().has(s))) {
        let best = max + 1;
        for (const v of this.postings.keys()) {
          // A typo rarely changes the first letter; requiring it keeps "cat" from "bat".
          if (v[0] !== s[0] || Math.abs(v.length - s.length) > max) continue;
          if (ownWords && !this.ownCount.has(v)) continue;
          if (short && !droppedOrSwapped(s, v)) continue;
          const d = editDistance(s, v, max);
          if (d < best) {
            best = d;
            matches.length = 0;
          }
          if (d === best && d <= max) matches.push({ stem: v, credit: FUZZY_CREDIT[d] ?? 0 });
        }
      }
      const near = Math.max(0, ...matches.map((m) => df(m.stem)));
      return { stem: s, idf: this.idf(near), matches };
    });
  }

  /** Share of the query's weight each matching document covers, 0..1. With `ownWords`, a
   * stem a document has only through its idioms does not count for it. */
  score(
    terms: QueryTerm[],
    allowed?: (position: number) => boolean,
    ownWords = false,
  ): Map<number, number> {
    const total = terms.reduce((s, t) => s + t.idf, 0);
    const scores = new Map<number, number>();
    if (total === 0) return scores;
    for (const t of terms) {
      const best = new Map<number, number>();
      for (const m of t.matches) {
        for (const [pos, w] of this.postings.get(m.stem) ?? []) {
          if (allowed && !allowed(pos)) continue;
          if (ownWords && this.idiomsOnly[pos]?.has(m.stem)) continue;
          const v = w * m.credit;
          if (v > (best.get(pos) ?? 0)) best.set(pos, v);
        }
      }
      for (const [pos, v] of best) scores.set(pos, (scores.get(pos) ?? 0) + (t.idf * v) / total);
    }
    return scores;
  }
}
