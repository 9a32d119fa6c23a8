// The one Big-O module: the notation of API.md, the words that name a complexity, and the
// ladder search ranks by. `normalizeComplexity` reads a Big-O written by a model or a
// person ("O(N²)", "Θ(n*log(n))", "o(1)", "quadratic") as API.md writes it ("O(n^2)",
// "O(n log n)", "O(1)"), or null when the text holds no recognisable complexity, so callers
// can report it instead of storing junk. `indexNotation` and `complexityRank` place a value
// on the ladder, so "worse than O(n)" or "slowest first" become integer comparisons that
// SQL and Cypher can both express.

export const NOTATIONS = [
  "O(1)",
  "O(log n)",
  "O(sqrt n)",
  "O(n)",
  "O(n log n)",
  "O(n^2)",
  "O(n^3)",
  "O(2^n)",
  "O(n!)",
] as const;
export type Notation = (typeof NOTATIONS)[number];

/**
 * Words that name a complexity. `inQuery`, where given, is the stricter pattern for a search
 * query, where the same word can name an algorithm instead ("linear search", "factorial").
 */
export const COMPLEXITY_WORDS: { word: RegExp; inQuery?: RegExp; notation: Notation }[] = [
  { word: /\bconstant\b/, notation: "O(1)" },
  {
    word: /\blog[- ]?linear\b|\blinearithmic\b|\bn log n\b|\bnlogn\b/,
    notation: "O(n log n)",
  },
  { word: /\blogarithmic\b/, notation: "O(log n)" },
  {
    word: /\blinear\b/,
    inQuery: /\blinear\b(?!\s+(?:search|probing|probe|regression|algebra|scan))/,
    notation: "O(n)",
  },
  { word: /\bquadratic\b/, notation: "O(n^2)" },
  { word: /\bcubic\b/, notation: "O(n^3)" },
  { word: /\bexponential\b/, notation: "O(2^n)" },
  { word: /\bfactorial\b/, inQuery: /\bfactorial time\b/, notation: "O(n!)" },
];

/** Inner forms (lower case, no spaces) that mean a ladder step; multi-variable forms map to
 * the step they behave like when the variables grow together. */
const LADDER: Record<string, Notation> = {
  "1": "O(1)",
  c: "O(1)",
  logn: "O(log n)",
  "log(n)": "O(log n)",
  lgn: "O(log n)",
  log2n: "O(log n)",
  sqrtn: "O(sqrt n)",
  "sqrt(n)": "O(sqrt n)",
  "√n": "O(sqrt n)",
  "n^0.5": "O(sqrt n)",
  "n^(1/2)": "O(sqrt n)",
  n: "O(n)",
  "n+m": "O(n)",
  "v+e": "O(n)",
  "m+n": "O(n)",
  k: "O(n)",
  nlogn: "O(n log n)",
  "nlog(n)": "O(n log n)",
  "n*logn": "O(n log n)",
  "n*log(n)": "O(n log n)",
  n·logn: "O(n log n)",
  nlgn: "O(n log n)",
  elogv: "O(n log n)",
  "(v+e)logv": "O(n log n)",
  "n^2": "O(n^2)",
  "n*n": "O(n^2)",
  "n*m": "O(n^2)",
  "m*n": "O(n^2)",
  nm: "O(n^2)",
  mn: "O(n^2)",
  "v^2": "O(n^2)",
  "n^3": "O(n^3)",
  "v^3": "O(n^3)",
  "n*n*n": "O(n^3)",
  "2^n": "O(2^n)",
  "2**n": "O(2^n)",
  "n!": "O(n!)",
};

const tidy = (value: string) => value.trim().replace(/²/g, "^2").replace(/³/g, "^3");

/** The ladder step a written Big-O means, if it is one. */
export function toNotation(value: string): Notation | undefined {
  const m = /^\s*o\s*\((.*)\)\s*$/i.exec(tidy(value));
  const inner = (m ? m[1] : value)?.toLowerCase().replace(/\s+/g, "") ?? "";
  return LADDER[inner];
}

/** How the search index stores a Big-O: its ladder step when it has one (also after
 * normalising, so "Θ(n*log(n))" is O(n log n)), else the value tidied (² → ^2). */
export function indexNotation(value: string): string {
  const normalized = normalizeComplexity(value);
  return toNotation(value) ?? (normalized && toNotation(normalized)) ?? tidy(value);
}

/** Position on the ladder (0 = O(1)); undefined for notations we cannot place. */
export function complexityRank(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const step = toNotation(value);
  return step === undefined ? undefined : NOTATIONS.indexOf(step);
}

export const rankOf = (n: Notation): number => NOTATIONS.indexOf(n);

const SUPERSCRIPTS: Record<string, string> = {
  "⁰": "0",
  "¹": "1",
  "²": "2",
  "³": "3",
  "⁴": "4",
  "⁵": "5",
  "⁶": "6",
  "⁷": "7",
  "⁸": "8",
  "⁹": "9",
  ⁿ: "n",
};

/** A Big-O opener: O( o( Θ( θ( Ω( "big O(" — not the "o(" ending a word like "foo(". */
const OPENER = /(?<![A-Za-z0-9_])(?:[OoΘθΩω]|big[\s-]?o)\s*\(/u;

export function normalizeComplexity(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const text = raw.replace(
    /[⁰¹²³⁴⁵⁶⁷⁸⁹ⁿ]+/g,
    (m) => `^${[...m].map((c) => SUPERSCRIPTS[c]).join("")}`,
  );
  const open = OPENER.exec(text);
  if (!open) {
    const lower = text.toLowerCase();
    for (const { word, notation } of COMPLEXITY_WORDS) if (word.test(lower)) return notation;
    const bare = stripEdges(lower.trim());
    return bare.length > 0 && bare.length <= 30 ? canonical(bare) : null;
  }
  const inner = balanced(text, open.index + open[0].length);
  return inner === null ? null : canonical(inner);
}

const LEADING = new Set([..."`\"'*_ \t\n\r\f\v"]);
const TRAILING = new Set([..."`\"'*_.,; \t\n\r\f\v"]);

/** Strips Markdown decoration from both ends. A loop, not `/[…]+$/`: that regular
 * expression retries from every position of a long run and took 28 s on 100 KB of spaces
 * in a model's answer (issue 10 item 2). */
function stripEdges(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && LEADING.has(s[a] as string)) a++;
  while (b > a && TRAILING.has(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

/** The text up to the parenthesis that closes the one before `start` (or the line end). */
function balanced(text: string, start: number): string | null {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return text.slice(start, i);
    else if (c === "\n") break;
  }
  return null;
}

function canonical(inner: string): string | null {
  let s = inner
    .toLowerCase()
    .replace(/[·×∙⋅]/g, "*")
    .replace(/−/g, "-")
    .replace(/√/g, "sqrt")
    .replace(/\*\*/g, "^")
    .replace(/[{[]/g, "(")
    .replace(/[}\]]/g, ")")
    .replace(/\s+/g, "");
  s = s
    .replace(/log_?\(?(?:2|10|e)\)?(?=[a-z(])/g, "log")
    .replace(/(lg|ln)(?=[a-z(])/g, "log")
    .replace(/log\(([a-z])\)/g, "log$1")
    .replace(/sqrt\(([a-z])\)/g, "sqrt$1")
    .replace(/([a-z])\^\(?(?:1\/2|0\.5)\)?/g, "sqrt$1")
    .replace(/\(log([a-z])\)\^(\d+)/g, "log^$2$1")
    .replace(/\^\((\d+|[a-z])\)/g, "^$1")
    .replace(/\/\d+/g, "")
    .replace(/\*/g, "");
  // Words other than log/sqrt ("depends", "where") mean this is prose, not a bound.
  if (/[a-z]{3,}/.test(s.replace(/log|sqrt/g, " "))) return null;
  const terms = s.split("+").map(term);
  if (terms.some((t) => t === null)) return null;
  const unique = [...new Set(terms as string[])];
  return `O(${unique.join(" + ")})`;
}

const FACTOR =
  /\d+\^[a-z]|[a-z]!|sqrt[a-z]|log\^\d+[a-z]|log[a-z]|[a-z](?:\^\d+(?:\.\d+)?)?|\d+(?:\.\d+)?/y;

/** One product term ("n^2logn", "2^n", "nm") → "n^2 log n", "2^n", "n*m". */
function term(text: string): string | null {
  if (text === "" || text.length > 40) return null;
  const powers = new Map<string, number>();
  const logs = new Map<string, number>();
  const heads: string[] = [];
  FACTOR.lastIndex = 0;
  while (FACTOR.lastIndex < text.length) {
    const at = FACTOR.lastIndex;
    const m = FACTOR.exec(text);
    if (!m || m.index !== at) return null;
    const f = m[0];
    if (/^\d+\^[a-z]$/.test(f) || /^[a-z]!$/.test(f)) heads.push(f);
    else if (f.startsWith("sqrt")) add(powers, f.slice(4), 0.5);
    else if (f.startsWith("log^")) add(logs, f.slice(-1), Number(f.slice(4, -1)));
    else if (f.startsWith("log")) add(logs, f.slice(3), 1);
    else if (/^[a-z]/.test(f))
      add(powers, f[0] as string, f.includes("^") ? Number(f.split("^")[1]) : 1);
  }
  const vars = [...powers.entries()].sort(byVariable).map(([v, p]) => power(v, p));
  const logParts = [...logs.entries()]
    .sort(byVariable)
    .map(([v, p]) => (p === 1 ? `log ${v}` : `log^${p} ${v}`));
  const parts = [...heads, vars.join("*"), ...logParts].filter((p) => p !== "");
  return parts.length === 0 ? "1" : parts.join(" ");
}

function add(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function power(v: string, p: number): string {
  if (p === 0.5) return `sqrt ${v}`;
  return p === 1 ? v : `${v}^${p}`;
}

/** n first, then the other variables alphabetically: "O(n*m)" reads as usual. */
function byVariable(a: [string, number], b: [string, number]): number {
  if (a[0] === b[0]) return 0;
  if (a[0] === "n") return -1;
  if (b[0] === "n") return 1;
  return a[0] < b[0] ? -1 : 1;
}
