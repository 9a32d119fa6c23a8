// A small lexicon of algorithm families: stems that mean the same idea share a concept
// feature, so "sorting algorithms" meets `def bubble_sort` and "fib" meets "fibonacci"
// without a model. Keys are stems (see text-features.ts `stem`).

const FAMILIES: Record<string, string[]> = {
  sorting: `sort bubbl quick quicksort merg mergesort insertion selection shell radix bucket
    gnom cocktail pancak timsort heapsort partition pivot swap`.split(/\s+/),
  searching: `search find lookup bisect binary locat seek probe target occurrenc contain
    exist`.split(/\s+/),
  graph: `graph bfs dfs dijkstra vertex vertic edg neighbor neighbour adjac topolog travers
    visit bellman prim kruskal floyd warshall connect component cycl shortest path network
    breadth depth`.split(/\s+/),
  tree: `tree bst root leaf leav subtre inord preord postord height trie branch ancestor
    lowest descend`.split(/\s+/),
  dynamic: `dynamic memo memoiz cach dp tabul knapsack subsequenc lcs edit coin stair climb
    optimal`.split(/\s+/),
  strings: `string str char charact substr substring palindrom anagram vowel word text letter
    sentenc prefix suffix concat`.split(/\s+/),
  math: `prime sieve gcd lcm factor factori fibonacci fib power sqrt digit divisor modular pow
    mod arithmetic squar math`.split(/\s+/),
  hashing: `hash dict dictionary map count counter frequenc occur duplicat uniqu distinct set
    group bucket tally histogram`.split(/\s+/),
  stack: `stack push pop bracket parenthes balanc brace valid lifo`.split(/\s+/),
  queue: `queu deque enqueu dequeu fifo buffer ring circular`.split(/\s+/),
  linked: `link linked node head tail`.split(/\s+/),
  matrix: `matrix matric grid row column col transpos rotat diagonal 2d cell spiral`.split(/\s+/),
  heap: `heap heapq priority kth largest smallest median`.split(/\s+/),
  backtracking: `backtrack permut combin subset queen sudoku hanoi recurs recursiv generat
    power`.split(/\s+/),
  intervals: `interval meet meeting overlap schedul`.split(/\s+/),
  window: `window slid sliding pointer consecut subarray kadan`.split(/\s+/),
  bits: `bit bitwis xor mask shift binary`.split(/\s+/),
};

const LOOKUP = new Map<string, string[]>();
for (const [family, stems] of Object.entries(FAMILIES)) {
  for (const s of stems) {
    if (!s) continue;
    LOOKUP.set(s, [...(LOOKUP.get(s) ?? []), family]);
  }
}

/** Aliases that stems alone cannot join. */
const ALIASES: Record<string, string> = {
  fib: "fibonacci",
  bst: "tree",
  dp: "dynamic",
  lcs: "subsequenc",
  gcd: "divisor",
  bfs: "breadth",
  dfs: "depth",
  kadane: "kadan",
  dict: "dictionary",
  arr: "array",
  nums: "number",
  num: "number",
  lst: "list",
  idx: "index",
};

export const aliasOf = (s: string): string => ALIASES[s] ?? s;

const PREFIXES = [...LOOKUP.keys()].filter((k) => k.length >= 5);
const memo = new Map<string, string[]>();

/** Families of a stemmed word: an exact stem, or a long stem it starts with
 * ("adjacency" → adjac → graph, "recursive" → recurs → backtracking). */
export function conceptsOf(stemmed: string): string[] {
  const known = memo.get(stemmed);
  if (known) return known;
  const found = new Set(LOOKUP.get(stemmed) ?? []);
  for (const p of PREFIXES) {
    if (stemmed.length > p.length && stemmed.startsWith(p)) {
      for (const f of LOOKUP.get(p) ?? []) found.add(f);
    }
  }
  const result = [...found];
  if (memo.size < 50_000) memo.set(stemmed, result);
  return result;
}

/** Two-word terms whose meaning is not the sum of their words ("priority queue" is a heap,
 * not a queue). Keys are stems joined by a space. */
const PHRASES: Record<string, string> = {
  "priority queu": "heap",
  "link list": "linked",
  "dynamic program": "dynamic",
  "binary tre": "tree",
  "search tre": "tree",
  "hash map": "hashing",
  "hash tabl": "hashing",
  "two point": "window",
  "slid window": "window",
  "shortest path": "graph",
  "span tre": "graph",
  "divid conqu": "sorting",
};

export function phraseConcept(first: string, second: string): string | undefined {
  return PHRASES[`${first} ${second}`];
}
