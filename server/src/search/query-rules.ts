// Deterministic query understanding: always available, no model. Recognises Big-O
// notations and their names, comparisons ("worse than O(n)"), "efficient", orderings,
// languages, "starred" and "top N"; whatever is left is the free-text meaning.
import {
  COMPLEXITY_WORDS,
  NOTATIONS,
  type Notation,
  rankOf,
  toNotation,
} from "../analysis/complexity-notation.js";
import {
  type ComplexityRange,
  type QueryUnderstander,
  type SearchOrder,
  type StructuredQuery,
  structuredQuerySchema,
} from "./structured-query.js";
import { splitIdentifier } from "./text-features.js";

const LANGUAGES: Record<string, string> = {
  python: "python",
  py: "python",
  javascript: "javascript",
  js: "javascript",
  typescript: "typescript",
  ts: "typescript",
  java: "java",
  go: "go",
  golang: "go",
  rust: "rust",
  ruby: "ruby",
  "c++": "cpp",
  cpp: "cpp",
  "c#": "csharp",
  kotlin: "kotlin",
  swift: "swift",
  sql: "sql",
};

/** Words that only say "my stuff" or "show me"; they carry no meaning to match. */
const FILLER = new Set(
  `my me mine i show find give list get all any some the a an of for in on with that which
  what is are was be to and or code codes snippet snippets program programs function functions
  script scripts implementation implementations algorithm algorithms written using uses use
  runs run complexity time times please version versions one ones stuff things thing`
    .split(/\s+/)
    .filter(Boolean),
);

const ORDER_RULES: [RegExp, SearchOrder][] = [
  [/\b(?:fastest|quickest|most efficient|best performing)\b/, "fastest"],
  [/\b(?:slowest|least efficient|worst performing|most expensive)\b/, "slowest"],
  [/\b(?:newest|latest|most recent|recently)\b/, "newest"],
];

/** A speed word that names the problem rather than ranks the user's code: "the quickest
 * route between cities" is a shortest-path question, "quick sort" and "fast power" are
 * algorithms, "slow and fast pointers" a technique. Only without such a follower does
 * "fastest" order results or "efficient" filter them. */
const SPEED_AS_MEANING =
  /\b(?:fast|faster|fastest|quick|quicker|quickest|slow|slower|slowest|shortest|cheapest)\s+(?:(?:and|or)\s+(?:fast|slow)\s+)?(route|routes|way|ways|path|paths|road|roads|trip|trips|journey|connection|connections|travel|exit|escape|sort|select|selection|power|pointer|pointers|exponentiation|fourier|inverse|lookup)\b/;
const TRAVEL = new Set(
  "route routes way ways path paths road roads trip trips journey connection connections travel exit escape".split(
    " ",
  ),
);

const BIG_O = /\bo\s*\(([^()]{1,24}(?:\([^()]{0,12}\))?[^()]{0,12})\)/gi;
const SPACE_NEAR = /^\s*(?:space|memory|extra space|auxiliary)\b/;
const SPACE_BEFORE = /\b(?:space|memory)\s*(?:complexity)?\s*(?:of|is|=|:)?\s*$/;

interface Mention {
  notation: Notation;
  start: number;
  end: number;
}

function findMentions(q: string): Mention[] {
  const found: Mention[] = [];
  for (const m of q.matchAll(BIG_O)) {
    const notation = toNotation(`O(${m[1]})`);
    if (notation) found.push({ notation, start: m.index, end: m.index + m[0].length });
  }
  for (const { word, inQuery, notation } of COMPLEXITY_WORDS) {
    const m = (inQuery ?? word).exec(q);
    if (m && !found.some((f) => m.index >= f.start && m.index < f.end)) {
      found.push({ notation, start: m.index, end: m.index + m[0].length });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Bounds implied by the words right before a mention ("worse than", "at most"…). */
function rangeFor(before: string, n: Notation): ComplexityRange {
  const r = rankOf(n);
  const step = (i: number) => NOTATIONS[Math.max(0, Math.min(NOTATIONS.length - 1, i))];
  if (/\b(?:worse|slower) than\s*$/.test(before)) return { min: step(r + 1) };
  if (/\b(?:better|faster) than\s*$/.test(before)) return { max: step(r - 1) };
  if (/\b(?:at most|no worse than|up to|within|under|below)\s*$/.test(before)) return { max: n };
  if (/\b(?:at least|no better than|above)\s*$/.test(before)) return { min: n };
  return { min: n, max: n };
}

const COMPARATIVE =
  /\b(?:worse than|slower than|better than|faster than|at most|no worse than|up to|within|under|below|at least|no better than|above)\s*$/;

export function parseQueryRules(raw: string): StructuredQuery {
  let q = ` ${raw.toLowerCase().replace(/\s+/g, " ").trim()} `;
  let time: ComplexityRange | undefined;
  let space: ComplexityRange | undefined;
  const cut: [number, number][] = [];

  for (const m of findMentions(q)) {
    const before = q.slice(0, m.start);
    const after = q.slice(m.end);
    const isSpace = SPACE_NEAR.test(after) || SPACE_BEFORE.test(before);
    const range = rangeFor(before, m.notation);
    if (isSpace) space ??= range;
    else time ??= range;
    const cmp = COMPARATIVE.exec(before);
    cut.push([cmp ? cmp.index : m.start, m.end]);
    const spaceWord = SPACE_NEAR.exec(after);
    if (isSpace && spaceWord) cut.push([m.end, m.end + spaceWord[0].length]);
  }
  // Blank out what was understood, keeping offsets stable while cutting.
  for (const [a, b] of cut) q = q.slice(0, a) + " ".repeat(b - a) + q.slice(b);

  let order: SearchOrder = "relevance";
  const meaning = SPEED_AS_MEANING.exec(q);
  // "quickest route" means a shortest path: say so in its place, so words and meaning both
  // find it and "quickest" and "route" do not count as words the user never wrote.
  if (meaning && TRAVEL.has(meaning[1] ?? "")) {
    q = `${q.slice(0, meaning.index)}shortest path${q.slice(meaning.index + meaning[0].length)}`;
  }
  for (const [re, o] of meaning ? [] : ORDER_RULES) {
    if (re.test(q)) {
      order = o;
      q = q.replace(re, " ");
      break;
    }
  }
  if (
    !meaning &&
    !time &&
    /\b(?:efficient|fast|quick|performant|scalable)\b/.test(q) &&
    order === "relevance"
  ) {
    time = { max: "O(n log n)" };
  }
  if (
    !meaning &&
    !time &&
    /\b(?:inefficient|slow|brute[- ]?force|naive)\b/.test(q) &&
    order === "relevance"
  ) {
    time = { min: "O(n^2)" };
  }
  if (!meaning) {
    q = q.replace(/\b(?:efficient|inefficient|fast|quick|slow|performant|scalable)\b/g, " ");
  }

  let limit: number | undefined;
  const top = /\b(?:top|first|best)\s+(\d{1,2})\b/.exec(q);
  if (top) {
    limit = Math.min(50, Math.max(1, Number(top[1])));
    q = q.replace(top[0], " ");
  }
  q = q.replace(/\b(?:first|last)\b/g, " ");

  let starred: boolean | undefined;
  if (/\b(?:starred|favou?rites?|favou?rited)\b/.test(q)) {
    starred = true;
    q = q.replace(/\b(?:starred|favou?rites?|favou?rited)\b/g, " ");
  }

  let language: string | undefined;
  // Punctuation around words is noise ("sorting?"), but "c++" and "c#" are names.
  const words = q
    .split(" ")
    .map((w) => w.replace(/^[^a-z0-9]+|[^a-z0-9+#]+$/g, ""))
    .filter(Boolean);
  // Rules read the query lower-cased; a name written as code ("ListNode", "setTimeout") is
  // handed on as typed, so it can still be split the way the code's own names were
  // (lexical.ts queryStemsFor). Other words go on lower-cased, as before.
  const typed = new Map<string, string>();
  for (const t of raw.split(/\s+/)) {
    const w = t.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9+#]+$/g, "");
    if (w && splitIdentifier(w).length > 1 && !typed.has(w.toLowerCase()))
      typed.set(w.toLowerCase(), w);
  }
  const kept: string[] = [];
  for (const w of words) {
    const lang = LANGUAGES[w];
    if (lang && language === undefined) {
      language = lang;
      continue;
    }
    if (FILLER.has(w) || /^[^a-z0-9]+$/.test(w)) continue;
    kept.push(typed.get(w) ?? w);
  }

  return structuredQuerySchema.parse({
    text: kept.join(" ").slice(0, 500),
    ...(time && { time }),
    ...(space && { space }),
    ...(language && { language }),
    ...(starred !== undefined && { starred }),
    order,
    ...(limit !== undefined && { limit }),
  });
}

export const rulesUnderstander: QueryUnderstander = {
  understand: async (q) => ({ query: parseQueryRules(q), by: "rules" }),
};
