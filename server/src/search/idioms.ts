// What a snippet does, read from how its code is written rather than from what it is called:
// a learner's "test2" that computes `mid = (lo + hi) // 2` inside `while lo <= hi` is a
// binary search whatever its names say. Each idiom is a few token patterns (names are
// wildcards unless a pattern spells one) whose presence adds plain words ("binary search")
// to what the embedding model and the word index read for the snippet.
//
// Hand-written on purpose: this needs a Python tokenizer that is linear on 100 KB of hostile
// text (issue 10) and a pattern matcher over its tokens; a parser library would be larger
// than both and a regular expression over raw code is what issue 10 removed. Matching is
// O(tokens × pattern length) per pattern, over at most FEATURE_CODE_CHARS of code.

import { FEATURE_CODE_CHARS } from "./text-features.js";

/** A token pattern, space-separated: `$` matches any name, `#` any number, `'x'` a short
 * string literal whose text is x; anything else matches itself (names lower-cased). */
type Pattern = string;

interface Idiom {
  /** Words added for the model and the word index when the idiom is present. */
  words: string;
  /** Every group must match; a group matches when any of its patterns occurs. */
  all: Pattern[][];
  /** The idiom is not reported when any of these occurs. */
  none?: Pattern[];
}

const MID: Pattern[] = [
  "( $ + $ ) // 2",
  "$ + ( $ - $ ) // 2",
  "( $ + $ ) >> 1",
  "$ + ( $ - $ ) >> 1",
];

const IDIOMS: Idiom[] = [
  // Searching
  {
    words: "binary search halving the search range",
    all: [
      MID,
      [
        "while $ <= $",
        "while $ < $",
        "while $ + 1 < $",
        // or recursion on one half: f(a, x, mid + 1, hi) / f(a, x, lo, mid - 1)
        ", $ + 1 , $ )",
        ", $ , $ - 1 )",
      ],
    ],
  },
  {
    words: "binary search bisect insertion point",
    all: [["bisect_left", "bisect_right", "bisect . bisect"]],
  },
  // Graphs
  {
    words: "breadth first search bfs queue level by level traversal",
    all: [
      [". popleft ( )", ". pop ( 0 )"],
      ["deque", "queue", "visited", "seen", "dist", "level"],
      ["for $ in"],
      ["while $"],
    ],
  },
  {
    words: "depth first search dfs graph traversal visited",
    all: [
      ["not in $", "$ [ $ ] = true", ". add ( $ )"],
      ["for $ in $ [ $ ]", "for $ in $ . get ( $", "for $ , $ in $ [ $ ]"],
    ],
    none: [". popleft ( )", "heappop"],
  },
  {
    words: "shortest path dijkstra weighted graph distances priority queue",
    all: [
      ["heappop"],
      ["heappush"],
      ["for $ , $ in $ [ $ ]", "for $ , $ in $ . get", "+ $ < $ [ $ ]", "< $ [ $ ]"],
    ],
  },
  {
    words: "priority queue heap",
    all: [["heappush", "heappop", "heapify", "nlargest", "nsmallest", "priorityqueue"]],
  },
  {
    words: "topological sort ordering tasks with prerequisites dependencies in-degree",
    all: [["[ $ ] -= 1"], ["== 0"], [". popleft ( )", ". pop ( )", ". pop ( 0 )"]],
  },
  {
    words: "topological sort ordering tasks with prerequisites dependencies",
    all: [["indegree", "in_degree", "indeg", "prerequisites", "topo", "toposort"]],
  },
  {
    words: "union find disjoint set connected components",
    all: [
      ["$ [ $ ] = $ ( $ [ $ ] )", "while $ [ $ ] != $", "if $ [ $ ] != $ :"],
      ["return $ [ $ ]", "return $"],
      ["def $ ( $ , $ )", "def $ ( self , $ , $ )"],
    ],
  },
  {
    words: "all pairs shortest paths floyd warshall",
    all: [["[ $ ] [ $ ] = min ( $ [ $ ] [ $ ] , $ [ $ ] [ $ ] + $ [ $ ] [ $ ] )"]],
  },
  {
    words: "grid neighbours four directions flood fill islands",
    all: [
      [
        "( 0 , 1 ) , ( 1 , 0 )",
        "( 1 , 0 ) , ( - 1 , 0 )",
        "( 0 , 1 ) , ( 0 , - 1 )",
        "( - 1 , 0 ) , ( 1 , 0 )",
        "[ 0 , 1 , 0 , - 1",
      ],
    ],
  },
  // Numbers
  {
    words: "fibonacci sequence",
    all: [["$ , $ = $ , $ + $", "$ ( $ - 1 ) + $ ( $ - 2 )", "[ $ - 1 ] + $ [ $ - 2 ]"]],
  },
  { words: "greatest common divisor gcd euclid", all: [["$ , $ = $ , $ % $", "$ ( $ , $ % $ )"]] },
  {
    words: "prime number test divisors trial division",
    all: [
      ["% $ == 0", "% $ != 0"],
      ["** 0.5", "$ * $ <= $", "sqrt", "isqrt", "range ( 2 , $ )"],
    ],
  },
  {
    words: "sieve of eratosthenes primes up to n",
    all: [
      ["range ( $ * $ , $ , $ )", "range ( $ * $ , $ + 1 , $ )", "range ( $ + $ , $ , $ )"],
      ["= false", "= 0"],
    ],
  },
  {
    words: "factorial",
    all: [
      ["$ * $ ( $ - 1 )", "range ( 1 , $ + 1 )", "range ( 2 , $ + 1 )"],
      ["*= $", "* $ ( $ - 1 )"],
    ],
    none: ["% $", "+ $ ( $ - 2 )", "//= 2", ">>= 1"],
  },
  {
    words: "digits of a number sum of digits",
    all: [["% 10"], ["//= 10", "// 10"]],
  },
  {
    words: "fast exponentiation power by squaring modular",
    all: [
      ["% 2 == 1", "& 1"],
      ["//= 2", ">>= 1"],
      ["* $ %", "*= $"],
    ],
  },
  {
    words: "count set bits binary bit manipulation",
    all: [
      ["& 1", "& ( $ - 1 )", "bin ( $ ) . count"],
      [">>= 1", ">> 1", "& ( $ - 1 )", ". count"],
    ],
  },
  {
    words: "subsets power set bitmask",
    all: [["1 << $"], ["& ( 1 << $ )", ">> $ & 1", "& 1 << $"]],
  },
  // Strings
  {
    words: "palindrome reads the same reversed",
    all: [
      ["== $ [ : : - 1 ]", "$ [ : : - 1 ] ==", "$ [ $ ] != $ [ - $ - 1 ]", "$ [ $ ] != $ [ $ ]"],
    ],
    none: ["sorted ( $ ) == sorted"],
  },
  {
    words: "anagram same letters rearranged",
    all: [["sorted ( $ ) == sorted ( $ )", "counter ( $ ) == counter ( $ )"]],
  },
  { words: "reverse a string or list", all: [["[ : : - 1 ]", "reversed ("]] },
  {
    words: "balanced brackets parentheses matching stack",
    all: [
      ["'('", "')'", "'['", "'{'", "'()'", "'}'"],
      [". pop ( )", "stack"],
    ],
  },
  {
    words: "count frequency occurrences word count histogram",
    all: [
      ["counter (", ". get ( $ , 0 ) + 1", "[ $ ] += 1", "defaultdict ( int )", ". most_common"],
    ],
  },
  { words: "vowels count letters", all: [["'aeiou'", "'aeiouaeiou'"]] },
  // Sorting
  {
    words: "bubble sort swap adjacent elements",
    all: [
      [
        "$ [ $ ] , $ [ $ + 1 ] = $ [ $ + 1 ] , $ [ $ ]",
        "$ [ $ + 1 ] , $ [ $ ] = $ [ $ ] , $ [ $ + 1 ]",
      ],
    ],
  },
  {
    words: "insertion sort shifting elements",
    all: [["$ [ $ + 1 ] = $ [ $ ]"], ["while $ >= 0 and", "while $ > 0 and"]],
  },
  {
    words: "selection sort minimum swap",
    all: [
      ["$ [ $ ] , $ [ $ ] = $ [ $ ] , $ [ $ ]"],
      ["if $ [ $ ] < $ [ $ ] :", "if $ [ $ ] > $ [ $ ] :"],
      ["$ = $\n"],
    ],
  },
  {
    words: "merge two sorted lists merge sort divide and conquer",
    all: [
      ["while $ < len ( $ ) and $ < len ( $ )", "while $ < $ and $ < $"],
      [". append ( $ [ $ ] )", "[ $ ] = $ [ $ ]"],
    ],
  },
  {
    words: "quicksort partition pivot divide and conquer",
    all: [
      ["pivot", "for $ in $ if $ < $ ]", "for $ in $ if $ <= $ ]"],
      ["+ [ $ ] +", "return $ ( $ ) + $", "$ ( $ , $ , $ - 1 )"],
    ],
  },
  {
    words: "counting sort",
    all: [
      ["[ 0 ] * ( max ( $ ) + 1 )", "[ 0 ] * ( $ + 1 )"],
      ["[ $ ] += 1"],
      ["* $ [ $ ]", "for $ in range ( $ [ $ ] )", ". extend ( [ $ ] *"],
    ],
  },
  // Dynamic programming
  {
    words: "dynamic programming table",
    all: [
      ["= max ( $ [", "= min ( $ [", "[ $ ] [ $ ] = $ [ $ - 1 ]", "[ $ ] = $ [ $ - 1 ] +"],
      ["[ $ - 1 ]", "[ $ - $ ]"],
    ],
  },
  {
    words: "knapsack maximum value within capacity",
    all: [
      [
        "max ( $ [ $ ] , $ [ $ - $ ] + $",
        "max ( $ [ $ ] , $ [ $ - $ [ $ ] ] + $",
        "max ( $ [ $ - 1 ] [ $ ] , $ [ $ - 1 ] [ $ - $",
      ],
    ],
  },
  {
    words: "longest increasing subsequence",
    all: [
      ["max ( $ [ $ ] , $ [ $ ] + 1 )", "bisect_left ( $ , $ )"],
      ["if $ [ $ ] < $ [ $ ]", "if $ [ $ ] > $ [ $ ]", "bisect_left"],
    ],
  },
  {
    words: "edit distance levenshtein",
    all: [["[ $ - 1 ] [ $ - 1 ]"], ["min ("], ["+ 1"], ["!= $ [ $ - 1 ]", "== $ [ $ - 1 ]"]],
  },
  {
    words: "longest common subsequence",
    all: [["[ $ - 1 ] [ $ - 1 ] + 1"], ["max ( $ [ $ - 1 ] [ $ ] , $ [ $ ] [ $ - 1 ] )"]],
  },
  { words: "coin change minimum coins", all: [["min ( $ [ $ ] , $ [ $ - $ ] + 1 )"]] },
  {
    words: "grid paths dynamic programming",
    all: [["$ [ $ - 1 ] [ $ ] + $ [ $ ] [ $ - 1 ]"]],
  },
  {
    words: "memoization cache recursion",
    all: [["lru_cache", "@ cache", "in $ : return $ [ $ ]", "memo"]],
  },
  {
    words: "maximum subarray kadane",
    all: [["max ( $ , $ + $ )", "max ( $ + $ , $ )"], ["max ( $ , $ )"], ["for $ in"]],
    none: [". left"],
  },
  { words: "prefix sums cumulative", all: [["$ [ $ + 1 ] = $ [ $ ] + $ [ $ ]", "accumulate ("]] },
  // Pointers and windows
  {
    words: "two pointers from both ends",
    all: [["$ += 1"], ["$ -= 1"], ["while $ < $ :"]],
  },
  {
    words: "two sum complement lookup hash map",
    all: [
      ["$ - $ in $", "- $ in $ :"],
      ["return [", "return ( $ , $", "return $ , $", "return [ $ [ $ ] , $ ]"],
    ],
  },
  {
    words: "sliding window",
    all: [
      ["while"],
      ["$ -= $ [ $ ]", "- $ [ $ - $ ]", "$ [ $ ] -= 1", ". remove ( $ [ $ ] )"],
      ["$ += 1", "for $ in range", "for $ , $ in enumerate"],
    ],
  },
  {
    words: "merge overlapping intervals",
    all: [
      ["key = lambda $ : $ [ 0 ]", ". sort ( )", "sorted ("],
      ["[ - 1 ] [ 1 ]", "$ [ 0 ] <= $ [ 1 ]", "$ [ 0 ] < $ [ 1 ]"],
    ],
  },
  // Data structures
  { words: "linked list nodes", all: [[". next"]] },
  { words: "linked list cycle fast and slow pointers", all: [[". next . next"]] },
  {
    words: "reverse a linked list",
    all: [[". next = $"], ["$ , $ = $ . next", "= $ . next"], ["$ = none", "prev"]],
  },
  { words: "binary tree left and right children", all: [[". left"], [". right"]] },
  {
    words: "trie prefix tree",
    all: [[". children", "[ 'children' ]", "is_end", "is_word", "end_of_word"]],
  },
  {
    words: "stack push pop last in first out",
    all: [[". append ("], [". pop ( )"]],
    none: [". popleft", "heappop"],
  },
  { words: "lru cache least recently used", all: [["move_to_end", "ordereddict"]] },
  { words: "matrix multiplication", all: [["[ $ ] [ $ ] += $ [ $ ] [ $ ] * $ [ $ ] [ $ ]"]] },
  {
    words: "transpose or rotate a matrix",
    all: [["zip ( * $", "[ $ ] [ $ ] , $ [ $ ] [ $ ] = $ [ $ ] [ $ ] , $ [ $ ] [ $ ]"]],
  },
  // Backtracking
  {
    words: "permutations backtracking",
    all: [
      ["permutations", "$ [ : $ ] + $ [ $ + 1 : ]", "used [ $ ] = true", "not in $ :"],
      ["def", "permutations"],
      ["permutations", "$ ( $ + [ $ ]", ". pop ( )\n", "+ [ $ ]"],
    ],
    none: ["heappop", ". popleft"],
  },
  { words: "combinations choose k", all: [["combinations"]] },
  { words: "n queens backtracking board", all: [["queen", "queens"]] },
  { words: "tower of hanoi recursion", all: [["hanoi"]] },
  // Input and files
  { words: "read input from stdin", all: [["input ( )", "stdin"]] },
  { words: "read or write a file", all: [["open ("], ["with", ". read", ". write", ". close"]] },
  { words: "parse json", all: [["json . loads", "json . load", "json . dumps"]] },
  { words: "csv file", all: [["csv ."]] },
  {
    words: "regular expression pattern matching",
    all: [["re . match", "re . search", "re . findall", "re . sub", "re . compile"]],
  },
  { words: "class object oriented", all: [["class $"], ["def __init__"]] },
];

const isNameStart = (k: number) => (k >= 65 && k <= 90) || (k >= 97 && k <= 122) || k === 95;
const isNameChar = (k: number) => isNameStart(k) || (k >= 48 && k <= 57);
const OPERATORS = [
  "**=",
  "//=",
  ">>=",
  "<<=",
  "**",
  "//",
  "==",
  "!=",
  "<=",
  ">=",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  ">>",
  "<<",
  "->",
];

/** Python source to tokens: names lower-cased, numbers as written (short ones) or "9",
 * strings of up to 10 characters as 'text', longer ones as "s", newlines as "\n"; comments
 * dropped. One pass. */
export function idiomTokens(source: string): string[] {
  const code = source.slice(0, FEATURE_CODE_CHARS);
  const out: string[] = [];
  const n = code.length;
  let i = 0;
  while (i < n && out.length < 20_000) {
    const k = code.charCodeAt(i);
    const c = code[i] as string;
    if (c === "#") {
      const end = code.indexOf("\n", i);
      i = end < 0 ? n : end;
    } else if (c === "\n") {
      if (out.length > 0 && out[out.length - 1] !== "\n") out.push("\n");
      i++;
    } else if (c === '"' || c === "'") {
      const triple = code.startsWith(c + c + c, i);
      const start = i + (triple ? 3 : 1);
      let j = start;
      let end = -1;
      while (j < n) {
        if (code[j] === "\\") j += 2;
        else if (!triple && code[j] === "\n") break;
        else if (code[j] === c && (!triple || code.startsWith(c + c + c, j))) {
          end = j;
          break;
        } else j++;
      }
      const stop = end < 0 ? Math.min(j, n) : end;
      out.push(stop - start <= 10 ? `'${code.slice(start, stop).toLowerCase()}'` : "s");
      i = end < 0 ? stop : end + (triple ? 3 : 1);
    } else if (isNameStart(k)) {
      let j = i;
      while (j < n && isNameChar(code.charCodeAt(j))) j++;
      out.push(code.slice(i, Math.min(j, i + 40)).toLowerCase());
      i = j;
    } else if (k >= 48 && k <= 57) {
      let j = i;
      while (j < n && (isNameChar(code.charCodeAt(j)) || code.charCodeAt(j) === 46)) j++;
      const num = code.slice(i, j);
      out.push(num.length <= 3 ? num : "9");
      i = j;
    } else if (c === " " || c === "\t" || c === "\r" || c === "\\") {
      i++;
    } else {
      const op = OPERATORS.find((o) => code.startsWith(o, i));
      out.push(op ?? c);
      i += op ? op.length : 1;
    }
  }
  return out;
}

const KEYWORDS = new Set(
  `and as assert async await break class continue def del elif else except finally for from
  global if import in is lambda nonlocal not or pass raise return try while with yield none
  true false`
    .split(/\s+/)
    .filter(Boolean),
);

function isName(tok: string): boolean {
  return tok.length > 0 && isNameStart(tok.charCodeAt(0)) && !KEYWORDS.has(tok);
}

function compile(p: Pattern): string[] {
  // "$ = $\n" style: a trailing newline in a pattern means the end of a line.
  return p
    .replace("\n", " \n")
    .split(" ")
    .filter((t) => t.length > 0);
}

function matchesAt(tokens: string[], at: number, pattern: string[]): boolean {
  for (let k = 0; k < pattern.length; k++) {
    const want = pattern[k] as string;
    const got = tokens[at + k];
    if (got === undefined) return false;
    if (want === "$") {
      if (!isName(got)) return false;
    } else if (want === "#") {
      const d = got.charCodeAt(0);
      if (!(d >= 48 && d <= 57)) return false;
    } else if (want !== got) return false;
  }
  return true;
}

/** Positions of each token, so a pattern is tried only where its first literal token is. */
function positions(tokens: string[]): Map<string, number[]> {
  const at = new Map<string, number[]>();
  tokens.forEach((t, i) => {
    const list = at.get(t);
    if (list) list.push(i);
    else at.set(t, [i]);
  });
  return at;
}

function occurs(tokens: string[], at: Map<string, number[]>, pattern: string[]): boolean {
  const lit = pattern.findIndex((t) => t !== "$" && t !== "#");
  if (lit < 0) {
    for (let i = 0; i + pattern.length <= tokens.length; i++)
      if (matchesAt(tokens, i, pattern)) return true;
    return false;
  }
  for (const p of at.get(pattern[lit] as string) ?? []) {
    if (p >= lit && matchesAt(tokens, p - lit, pattern)) return true;
  }
  return false;
}

const COMPILED = IDIOMS.map((idiom) => ({
  words: idiom.words,
  all: idiom.all.map((group) => group.map(compile)),
  none: (idiom.none ?? []).map(compile),
}));

/** The last few answers: one sync step asks for the same code's idioms three times (word
 * terms, fingerprint, model text). */
const recent: { code: string; idioms: string[] }[] = [];

/** The idioms a snippet's code shows, as phrases (at most one per idiom, in table order). */
export function codeIdioms(code: string): string[] {
  const hit = recent.find((r) => r.code === code);
  if (hit) return hit.idioms;
  const tokens = idiomTokens(code);
  const at = positions(tokens);
  const found: string[] = [];
  for (const idiom of COMPILED) {
    if (tokens.length === 0) break;
    if (idiom.none.some((p) => occurs(tokens, at, p))) continue;
    if (idiom.all.every((group) => group.some((p) => occurs(tokens, at, p))))
      found.push(idiom.words);
  }
  recent.unshift({ code, idioms: found });
  recent.length = Math.min(recent.length, 4);
  return found;
}
