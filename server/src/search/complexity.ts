// The Big-O ladder shared by sync, query understanding and both index adapters: notations
// are normalised to the original's spelling and ranked, so "worse than O(n)" or "slowest
// first" become integer comparisons that SQL and Cypher can both express.

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

/** Inner forms (lower case, no spaces) that mean a ladder step; multi-variable forms map to
 * the step they behave like when the variables grow together. */
const INNER: Record<string, Notation> = {
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

/** Canonical notation if `value` is a known ladder step, else the input tidied (² → ^2). */
export function normalizeComplexity(value: string): string {
  const tidy = value.trim().replace(/²/g, "^2").replace(/³/g, "^3");
  const step = toNotation(tidy);
  return step ?? tidy;
}

export function toNotation(value: string): Notation | undefined {
  const m = /^\s*o\s*\((.*)\)\s*$/i.exec(value.replace(/²/g, "^2").replace(/³/g, "^3"));
  const inner = (m ? m[1] : value)?.toLowerCase().replace(/\s+/g, "") ?? "";
  return INNER[inner];
}

/** Position on the ladder (0 = O(1)); undefined for notations we cannot place. */
export function complexityRank(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const step = toNotation(value);
  return step === undefined ? undefined : NOTATIONS.indexOf(step);
}

export const rankOf = (n: Notation): number => NOTATIONS.indexOf(n);
