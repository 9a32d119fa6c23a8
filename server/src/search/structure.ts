// A fingerprint of how code is built, blind to names: the same algorithm with other names,
// or written recursively instead of with a loop, keeps most of its operations (mid = (lo +
// hi) // 2, comparisons, popleft/append, x % y). Tokens are normalised (names → v, numbers
// kept small, strings → s, loops and calls to the function itself → repeat, grouping
// punctuation dropped), cut into 1- to 3-token shingles and hashed into a small unit
// vector; /search/similar blends its cosine with the embeddings' (see hybrid.ts).
// One linear pass; no regular expressions (the input is user text of up to 100 KB).

import { codeIdioms } from "./idioms.js";
import { FEATURE_CODE_CHARS } from "./text-features.js";

export const STRUCTURE_DIMENSIONS = 256;
/** Weight of a recognised idiom against one shingle: enough that two versions of one
 * algorithm meet (dev pairs: similar@3 15/16 → 16/16 at 8, no change at 30). */
const IDIOM_WEIGHT = 8;

/** Names that mean an operation, kept as themselves; every other name becomes "v". */
const KEPT = new Set(
  `def return if elif else for while in not and or is lambda yield class try except with
  import from break continue pass none true false len range append pop popleft appendleft
  heappush heappop heapify sorted sort min max sum abs enumerate zip set dict list tuple
  get keys values items add remove extend insert index count join split reversed map filter
  any all str int float print bisect_left bisect_right deque counter defaultdict self`
    .split(/\s+/)
    .filter(Boolean),
);

const OPERATORS = ["**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "//=", "->"];

const isWordChar = (k: number) =>
  (k >= 48 && k <= 57) || (k >= 65 && k <= 90) || (k >= 97 && k <= 122) || k === 95;

function tokens(code: string): string[] {
  const out: string[] = [];
  const n = Math.min(code.length, FEATURE_CODE_CHARS);
  let i = 0;
  while (i < n && out.length < 20_000) {
    const c = code[i] as string;
    const k = code.charCodeAt(i);
    if (c === "#") {
      const end = code.indexOf("\n", i);
      i = end < 0 ? n : end;
    } else if (c === '"' || c === "'") {
      const triple = code.startsWith(c + c + c, i);
      let j = i + (triple ? 3 : 1);
      while (j < n) {
        if (code[j] === "\\") j += 2;
        else if (!triple && code[j] === "\n") break;
        else if (code[j] === c && (!triple || code.startsWith(c + c + c, j))) {
          j += triple ? 3 : 1;
          break;
        } else j++;
      }
      out.push("s");
      i = j;
    } else if ((k >= 65 && k <= 90) || (k >= 97 && k <= 122) || k === 95) {
      let j = i;
      while (j < n && isWordChar(code.charCodeAt(j))) j++;
      const word = code.slice(i, j).toLowerCase();
      out.push(KEPT.has(word) ? word : "v");
      i = j;
    } else if (k >= 48 && k <= 57) {
      let j = i;
      while (j < n && (isWordChar(code.charCodeAt(j)) || code.charCodeAt(j) === 46)) j++;
      const num = code.slice(i, j);
      out.push(num.length <= 2 ? num : "9");
      i = j;
    } else if (c.trim() === "") {
      i++;
    } else {
      const op = OPERATORS.find((o) => code.startsWith(o, i));
      out.push(op ?? c);
      i += op ? op.length : 1;
    }
  }
  return out;
}

/** FNV-1a, as the offline embedder: stable across runs. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The token stream with what varies between equivalent programs taken out: punctuation
 * that only groups, the def line's own name, and the difference between a loop and a
 * recursive call (both become "repeat"). */
function normalised(code: string): string[] {
  const t = tokens(code);
  const out: string[] = [];
  const names: string[] = [];
  // Names of the functions defined, in the raw code, to spot calls to themselves.
  for (let i = 0; i < code.length && names.length < 200; ) {
    const at = code.indexOf("def ", i);
    if (at < 0) break;
    let j = at + 4;
    while (j < code.length && isWordChar(code.charCodeAt(j))) j++;
    names.push(code.slice(at + 4, j).toLowerCase());
    i = j;
  }
  const self = new Set(names);
  const raw = rawNames(code);
  let k = 0;
  for (const tok of t) {
    const name = tok === "v" ? raw[k++] : undefined;
    if (tok === "(" || tok === ")" || tok === "," || tok === ":" || tok === "def") continue;
    if (tok === "for" || tok === "while") out.push("repeat");
    else if (name !== undefined && self.has(name)) out.push("repeat");
    else out.push(tok);
  }
  return out;
}

/** The original text of each name the tokenizer turned into "v", in order. */
function rawNames(code: string): string[] {
  const out: string[] = [];
  const n = Math.min(code.length, FEATURE_CODE_CHARS);
  let i = 0;
  while (i < n) {
    const c = code[i] as string;
    const k = code.charCodeAt(i);
    if (c === "#") {
      const end = code.indexOf("\n", i);
      i = end < 0 ? n : end;
    } else if (c === '"' || c === "'") {
      const triple = code.startsWith(c + c + c, i);
      let j = i + (triple ? 3 : 1);
      while (j < n) {
        if (code[j] === "\\") j += 2;
        else if (!triple && code[j] === "\n") break;
        else if (code[j] === c && (!triple || code.startsWith(c + c + c, j))) {
          j += triple ? 3 : 1;
          break;
        } else j++;
      }
      i = j;
    } else if ((k >= 65 && k <= 90) || (k >= 97 && k <= 122) || k === 95) {
      let j = i;
      while (j < n && isWordChar(code.charCodeAt(j))) j++;
      const word = code.slice(i, j).toLowerCase();
      if (!KEPT.has(word)) out.push(word);
      i = j;
    } else if (k >= 48 && k <= 57) {
      let j = i;
      while (j < n && (isWordChar(code.charCodeAt(j)) || code.charCodeAt(j) === 46)) j++;
      i = j;
    } else i++;
  }
  return out;
}

export function structureVector(code: string): number[] {
  const t = normalised(code);
  const counts = new Map<number, number>();
  const bump = (feature: string, w: number) => {
    const b = hash(feature) % STRUCTURE_DIMENSIONS;
    counts.set(b, (counts.get(b) ?? 0) + w);
  };
  for (let i = 0; i < t.length; i++) {
    const a = t[i] as string;
    if (a !== "v") bump(a, 0.5);
    if (i + 1 < t.length) bump(`${a} ${t[i + 1]}`, 1);
    if (i + 2 < t.length) bump(`${a} ${t[i + 1]} ${t[i + 2]}`, 1);
  }
  // The algorithm its idioms show (idioms.ts), which the recursive and the iterative version
  // of one algorithm share even where their token shingles differ.
  for (const idiom of codeIdioms(code)) bump(`idiom ${idiom}`, IDIOM_WEIGHT);
  const v = new Array<number>(STRUCTURE_DIMENSIONS).fill(0);
  let norm = 0;
  for (const [b, c] of counts) {
    v[b] = Math.log1p(c);
    norm += (v[b] as number) ** 2;
  }
  norm = Math.sqrt(norm);
  return norm === 0 ? v : v.map((x) => x / norm);
}
