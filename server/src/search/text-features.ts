// Words out of code and prose, shared by the offline embedder (features to hash) and the
// PostgreSQL index (the `terms` it matches with full text). Identifiers are split on case,
// digits and underscores ("binarySearch2" → binary search), prose is lightly stemmed.

const PY_KEYWORDS = new Set(
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

/** "binarySearch_v2" → ["binary", "search", "v"]; HTTPServer → ["http", "server"]. */
export function splitIdentifier(id: string): string[] {
  return id
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w.length > 1);
}

/** A small suffix stripper: enough to make sort/sorted/sorting/sorts/sorter meet. */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length <= 3) return w;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (/(?:ss|us|is)$/.test(w)) {
    // keep: class, radius, analysis
  } else if (/(?:ches|shes|xes|sses)$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith("s")) w = w.slice(0, -1);
  if (w.endsWith("ing") && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith("ed") && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith("er") && w.length > 5) w = w.slice(0, -2);
  // Collapse a doubled final consonant left by -ing/-ed (swapp → swap) and a final "e".
  if (/([b-df-hj-np-tv-z])\1$/.test(w) && !/(?:ll|ss|zz)$/.test(w)) w = w.slice(0, -1);
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

const STRING_RE = /("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')/g;
const COMMENT_RE = /#[^\n]*/g;

export function proseWords(text: string): string[] {
  return (text.toLowerCase().match(/[a-z][a-z0-9+#]*/g) ?? [])
    .flatMap((w) => (/[a-z][A-Z]|_/.test(w) ? splitIdentifier(w) : [w]))
    .filter((w) => w.length > 1 && !STOP.has(w));
}

export function codeParts(code: string): CodeParts {
  const prose: string[] = [];
  const withoutText = code
    .replace(STRING_RE, (s) => {
      if (s.length > 6) prose.push(...proseWords(s.replace(/^["']+|["']+$/g, "")));
      return " ";
    })
    .replace(COMMENT_RE, (c) => {
      prose.push(...proseWords(c.slice(1)));
      return " ";
    });
  const identifiers: string[] = [];
  const structure: string[] = [];
  for (const tok of withoutText.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
    const lower = tok.toLowerCase();
    if (PY_KEYWORDS.has(lower)) {
      structure.push(lower);
      continue;
    }
    identifiers.push(...splitIdentifier(tok).filter((w) => !PY_KEYWORDS.has(w)));
  }
  structure.push(...structuralHints(withoutText));
  return { identifiers, prose, structure };
}

/** Shape of the code: loop nesting, recursion, notable library use. */
function structuralHints(code: string): string[] {
  const hints: string[] = [];
  const loopIndents = [...code.matchAll(/^([ \t]*)(?:for|while)\b/gm)].map(
    (m) => (m[1] ?? "").length,
  );
  const depth = new Set(loopIndents).size;
  if (depth >= 2) hints.push("nested-loops");
  if (depth >= 3) hints.push("triple-nested-loops");
  for (const def of code.matchAll(/^([ \t]*)def\s+([A-Za-z_]\w*)\s*\(/gm)) {
    const name = def[2] ?? "";
    const body = code.slice((def.index ?? 0) + def[0].length);
    if (new RegExp(`\\b${name}\\s*\\(`).test(body)) hints.push("recursion");
  }
  for (const lib of ["heapq", "bisect", "collections", "itertools", "functools", "math"]) {
    if (new RegExp(`\\b${lib}\\b`).test(code)) hints.push(`lib-${lib}`);
  }
  if (/\bsorted\s*\(|\.sort\s*\(/.test(code)) hints.push("sorts");
  if (/@(?:functools\.)?(?:lru_)?cache\b|\bmemo\b/.test(code)) hints.push("memoization");
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
  return [...words].join(" ").slice(0, 20_000);
}
