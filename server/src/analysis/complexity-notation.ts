// Normalises a Big-O written by a model ("O(N²)", "Θ(n*log(n))", "o(1)", "quadratic")
// to the notation of API.md ("O(n^2)", "O(n log n)", "O(1)"). Returns null when the text
// holds no recognisable complexity, so callers can report it instead of storing junk.

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

const WORDS: [RegExp, string][] = [
  [/\bconstant\b/, "O(1)"],
  [/\blog[- ]?linear\b|\blinearithmic\b|\bn log n\b/, "O(n log n)"],
  [/\blogarithmic\b/, "O(log n)"],
  [/\blinear\b/, "O(n)"],
  [/\bquadratic\b/, "O(n^2)"],
  [/\bcubic\b/, "O(n^3)"],
  [/\bexponential\b/, "O(2^n)"],
  [/\bfactorial\b/, "O(n!)"],
];

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
    for (const [re, value] of WORDS) if (re.test(lower)) return value;
    const bare = lower.trim().replace(/^[`"'*_\s]+|[`"'*_.,;\s]+$/g, "");
    return bare.length > 0 && bare.length <= 30 ? canonical(bare) : null;
  }
  const inner = balanced(text, open.index + open[0].length);
  return inner === null ? null : canonical(inner);
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
