// Words out of code and prose, shared by the embedders (what they read), the full-text
// indexes (the `terms` they match) and the lexical ranking. Identifiers are split on case,
// digits and underscores ("binarySearch2" → binary search), prose is lightly stemmed.
//
// Everything here runs on user text of up to 100 KB, so every pass is linear: the code is
// read by a small hand-written lexer (one pass over strings, comments and names) instead of
// regular expressions, because a pattern such as "(?:\\.|[^"\\])*" restarts at every quote
// and turns a line of escaped quotes into quadratic work (issue 10). The regular expressions
// left are single character classes or anchored at one position.

/** Python keywords and the commonest builtins: structure, not a snippet's own names. */
export const PY_KEYWORDS = new Set(
  `false none true and as assert async await break class continue def del elif else except
  finally for from global if import in is lambda nonlocal not or pass raise return try while
  with yield self cls print range len int str float list dict set tuple bool enumerate zip
  append pop min max abs sum map filter isinstance type object super init main`
    .split(/\s+/)
    .filter(Boolean),
);

const STOP = new Set(
  `the a an and or of to in on for with by is are be as it its this that these those from at
  into using use uses used given return returns we you our your my if else then than not no
  all any each every one two so such can will do does done has have had was were which what
  how when where who why`
    .split(/\s+/)
    .filter(Boolean),
);

/** Search reads the first 10,000 characters of a snippet's code: past that a snippet adds
 * little meaning, and the cap keeps each synchronous step well under the 100 ms the event
 * loop may be held (measured: under 40 ms per step on the hostile inputs of the tests, cold). */
export const FEATURE_CODE_CHARS = 10_000;

/** Longer runs of letters are not words (base64, minified data): cut so work stays bounded. */
const MAX_WORD = 40;

const isUpper = (c: number) => c >= 65 && c <= 90;
const isLower = (c: number) => c >= 97 && c <= 122;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => isUpper(c) || isLower(c);
const isNameStart = (c: number) => isLetter(c) || c === 95;
const isNameChar = (c: number) => isNameStart(c) || isDigit(c);

/** "binarySearch_v2" → ["binary", "search", "v"]; HTTPServer → ["http", "server"]. One
 * left-to-right pass: a word ends at a non-letter, at a lower→upper step, or before the
 * last capital of a run that a lower-case letter follows. */
export function splitIdentifier(id: string): string[] {
  const out: string[] = [];
  let start = -1;
  const flush = (end: number) => {
    if (start >= 0 && end - start > 1)
      out.push(id.slice(start, Math.min(end, start + MAX_WORD)).toLowerCase());
    start = -1;
  };
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (!isLetter(c)) {
      flush(i);
      continue;
    }
    if (start < 0) {
      start = i;
      continue;
    }
    const prev = id.charCodeAt(i - 1);
    const next = i + 1 < id.length ? id.charCodeAt(i + 1) : 0;
    if (isUpper(c) && (isLower(prev) || (isUpper(prev) && isLower(next)))) {
      flush(i);
      start = i;
    }
  }
  flush(id.length);
  return out;
}

/** A word of a query written as code: its split differs from the word lower-cased — a case
 * change or an underscore inside ("ListNode", "setTimeout", "move_to_end", "lru_cache"), or
 * a one-letter piece the code's names drop too ("maxN" → max). The one test the query's
 * readers share (lexical.ts, named-terms.ts, glossary-expansion.ts). */
export function writtenAsCode(word: string): boolean {
  const parts = splitIdentifier(word);
  return parts.length > 1 || (parts.length === 1 && parts[0] !== word.toLowerCase());
}

/** A small suffix stripper: enough to make sort/sorted/sorting/sorts/sorter meet. */
export function stem(word: string): string {
  let w = word.toLowerCase().slice(0, MAX_WORD);
  if (w.length <= 3) return w;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("ss") || w.endsWith("us") || w.endsWith("is")) {
    // keep: class, radius, analysis
  } else if (/(?:ches|shes|xes|sses)$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith("s")) w = w.slice(0, -1);
  if (w.endsWith("ing") && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith("ed") && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith("er") && w.length > 5) w = w.slice(0, -2);
  // Collapse a doubled final consonant left by -ing/-ed (swapp → swap) and a final "e".
  const last = w[w.length - 1];
  if (last && last === w[w.length - 2] && /[b-df-hj-km-np-rtv-y]/.test(last)) w = w.slice(0, -1);
  if (w.endsWith("e") && w.length > 3) w = w.slice(0, -1);
  return w;
}

export interface CodeParts {
  /** Words from identifiers, keywords and builtins removed. */
  identifiers: string[];
  /** Words from comments and docstrings. */
  prose: string[];
  /** Python keywords and calls that describe structure (loops, recursion, imports). */
  structure: string[];
}

/** Prose to words: runs of letters and digits (and + or #, for "c++" and "c#"), lower-cased,
 * identifiers split, stop words dropped. */
export function proseWords(text: string): string[] {
  const out: string[] = [];
  const lower = text.toLowerCase();
  let i = 0;
  while (i < lower.length) {
    if (!isLower(lower.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < lower.length) {
      const c = lower.charCodeAt(i);
      if (isLower(c) || isDigit(c) || c === 43 || c === 35) i++;
      else break;
    }
    const w = lower.slice(start, Math.min(i, start + MAX_WORD));
    if (w.length > 1 && !STOP.has(w)) out.push(w);
  }
  return out;
}

interface Lexed {
  /** Names in order of appearance, with the offset after each and whether a "(" follows. */
  names: { name: string; calls: boolean; lineStart: boolean; indent: number }[];
  /** Text of strings longer than a few characters, and of comments. */
  prose: string[];
}

/** One pass over Python source: strings (single, triple, with escapes), comments and names.
 * Anything else is skipped. An unterminated string ends at the end of its line (or of the
 * text for a triple quote), as Python's own tokenizer would report it. */
function lex(code: string): Lexed {
  const names: Lexed["names"] = [];
  const prose: string[] = [];
  let i = 0;
  let lineStart = true;
  let indent = 0;
  const n = code.length;
  while (i < n) {
    const c = code.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      indent = 0;
      i++;
      continue;
    }
    if (c === 32 || c === 9) {
      if (lineStart) indent++;
      i++;
      continue;
    }
    if (c === 35) {
      const end = code.indexOf("\n", i);
      const stop = end < 0 ? n : end;
      prose.push(code.slice(i + 1, stop));
      i = stop;
      continue;
    }
    if (c === 34 || c === 39) {
      const q = code[i] as string;
      const triple = code.startsWith(q + q + q, i);
      const open = triple ? 3 : 1;
      let j = i + open;
      let closed = -1;
      while (j < n) {
        const d = code.charCodeAt(j);
        if (d === 92) {
          j += 2;
          continue;
        }
        if (!triple && d === 10) break;
        if (code[j] === q && (!triple || code.startsWith(q + q + q, j))) {
          closed = j;
          break;
        }
        j++;
      }
      const end = closed >= 0 ? closed : Math.min(j, n);
      if (end - (i + open) > 6) prose.push(code.slice(i + open, end));
      i = closed >= 0 ? closed + open : end;
      lineStart = false;
      continue;
    }
    if (isNameStart(c)) {
      const start = i;
      while (i < n && isNameChar(code.charCodeAt(i))) i++;
      let k = i;
      while (k < n && (code.charCodeAt(k) === 32 || code.charCodeAt(k) === 9)) k++;
      names.push({
        name: code.slice(start, Math.min(i, start + 80)),
        calls: code.charCodeAt(k) === 40,
        lineStart,
        indent,
      });
      lineStart = false;
      continue;
    }
    lineStart = false;
    i++;
  }
  return { names, prose };
}

const LIBRARIES = ["heapq", "bisect", "collections", "itertools", "functools", "math"];

export function codeParts(code: string): CodeParts {
  const { names, prose: texts } = lex(code.slice(0, FEATURE_CODE_CHARS));
  const prose = texts.flatMap((t) => proseWords(t));
  const identifiers: string[] = [];
  const structure: string[] = [];
  for (const { name } of names) {
    const lower = name.toLowerCase();
    if (PY_KEYWORDS.has(lower)) {
      structure.push(lower);
      continue;
    }
    identifiers.push(...splitIdentifier(name).filter((w) => !PY_KEYWORDS.has(w)));
  }
  structure.push(...structuralHints(names));
  return { identifiers, prose, structure };
}

/** Shape of the code from its names: loop nesting, recursion, notable library use. */
function structuralHints(names: Lexed["names"]): string[] {
  const hints: string[] = [];
  const loopIndents = new Set<number>();
  const recursive = new Set<string>();
  // Functions whose body we are in, innermost last: a line indented no deeper than a def
  // closes it. A call to one of them from inside its own body is recursion.
  const open: { name: string; indent: number }[] = [];
  names.forEach((t, i) => {
    if (t.lineStart) {
      while (open.length > 0 && t.indent <= (open[open.length - 1] as { indent: number }).indent)
        open.pop();
      if (t.name === "for" || t.name === "while") loopIndents.add(t.indent);
    }
    const next = names[i + 1];
    if (t.name === "def" && next) {
      open.push({ name: next.name, indent: t.indent });
      return;
    }
    if (t.calls && open.some((f) => f.name === t.name) && names[i - 1]?.name !== "def")
      recursive.add(t.name);
  });
  if (loopIndents.size >= 2) hints.push("nested-loops");
  if (loopIndents.size >= 3) hints.push("triple-nested-loops");
  if (recursive.size > 0) hints.push("recursion");
  const seen = new Set(names.map((t) => t.name));
  for (const lib of LIBRARIES) if (seen.has(lib)) hints.push(`lib-${lib}`);
  if (names.some((t, i) => t.calls && (t.name === "sorted" || (t.name === "sort" && i > 0))))
    hints.push("sorts");
  if (seen.has("lru_cache") || seen.has("cache") || seen.has("memo")) hints.push("memoization");
  return hints;
}

/** The text the full-text index matches: title, description and code words, de-duplicated. */
export function searchTerms(doc: {
  title: string | null;
  description: string | null;
  code: string;
}): string {
  const parts = codeParts(doc.code);
  const words = new Set([
    ...proseWords(doc.title ?? ""),
    ...proseWords(doc.description ?? ""),
    ...parts.identifiers,
    ...parts.prose,
  ]);
  return [...words].join(" ").slice(0, 8_000);
}
