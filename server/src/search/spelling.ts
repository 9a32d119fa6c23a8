// Corrects likely typos in a query before it is embedded: a sentence-embedding model reads
// "bredth first serch" as unknown word pieces, but "breadth first search" as an idea. A word
// is corrected only when it is not itself a known word and exactly one kind of fix is near:
// the vocabulary of programming exercises below, within the same edit distance the lexical
// index allows (lexical.ts). The user's own words are matched by the lexical index itself.
// An English word is not a typo (english.ts): "three", "spell", "clash", "machine" and
// "swapping" were once "corrected" to tree, shell, class, matching and shopping, which
// turned paraphrases into other questions (docs/search.md, Round 4).
import { englishWords } from "./english.js";
import { GLOSSARY } from "./glossary.js";
import { droppedOrSwapped, editDistance } from "./lexical.js";

const WORDS = `
algorithm algorithms array arrays list lists sort sorting sorted bubble quick quicksort merge
mergesort insertion selection shell radix bucket counting heap heapsort gnome cocktail pancake
partition pivot swap search searching binary linear bisect jump interpolation ternary
exponential lookup target graph graphs breadth depth first bfs dfs dijkstra bellman ford floyd
warshall prim kruskal topological vertex vertices edge edges neighbour neighbor adjacency
traversal traverse visit cycle cycles shortest path paths route network connected component
components island islands maze tree trees root leaf leaves subtree inorder preorder postorder
height trie ancestor lowest common balanced invert mirror level order dynamic programming
memo memoization memoize cache tabulation knapsack subsequence longest increasing edit distance
levenshtein coin coins change stairs climbing robber fibonacci string strings character
characters palindrome palindromes anagram anagrams vowel vowels reverse reversed substring
prefix suffix caesar cipher encryption compression encoding pangram prime primes sieve
eratosthenes gcd lcm factor factors factorial factorization power exponent square root digit
digits divisor divisors modular perfect armstrong collatz roman numeral numerals decimal
conversion convert hash hashmap dictionary counter frequency frequencies duplicate duplicates
unique distinct group majority stack stacks queue queues deque parentheses brackets valid
postfix infix evaluate expression linked node nodes pointer pointers middle backtracking
permutation permutations combination combinations subset subsets queens sudoku hanoi tower
towers generate recursion recursive iterative matrix matrices transpose rotate rotation spiral
determinant multiplication multiply pascal triangle grid priority median largest smallest
interval intervals meeting meetings overlap overlapping schedule scheduling activity greedy
sliding window subarray maximum minimum product container water bit bits bitwise mask shift
temperature celsius fahrenheit calculator guess game random password generator file
files class inheritance decorator regex email validate validation date birthday plot number numbers count frequency word words sentence letters matching pattern
`
  .split(/\s+/)
  .filter(Boolean);

/** Names from Python that look like typos of the words above ("heapq", "popleft"): kept.
 * Modules and libraries are names, not exercise words (named-terms.ts). */
const PYTHON =
  `heapq heappush heappop heapify heapreplace bisect deque popleft appendleft collections
itertools functools defaultdict counter ordereddict namedtuple lru_cache cache math random
string json csv datetime typing dataclass dataclasses enumerate range sorted lambda print
input append extend insert isinstance yield self none true false dict tuple items values keys
numpy pandas scipy matplotlib json csv`
    .split(/\s+/)
    .filter(Boolean);

const EXERCISE = new Set(WORDS);
/** What a typo may be corrected to: the exercise words and the words of the glossary's task
 * names ("fizzbuzz", "hangman", "scissors"), which are not all exercise words (the
 * library names among them stay names for named-terms.ts). */
const TARGETS = [
  ...new Set([
    ...WORDS,
    ...GLOSSARY.flatMap((e) => e.name.split(" ")).filter((w) => w.length >= 4),
  ]),
];
const KNOWN = new Set([...TARGETS, ...PYTHON]);

/** A word of the programming-exercise vocabulary above ("levenshtein", "knapsack"). */
export const isExerciseWord = (word: string): boolean =>
  EXERCISE.has(word) || EXERCISE.has(word.replace(/s$/, ""));

/** The query with each unknown word of four letters or more, not an English word, replaced
 * by the one known word nearest to it, when there is exactly one at the smallest distance. A
 * four-letter word may only have lost a letter or swapped two: any one edit of a word that
 * short is too often another word ("data" is one edit from "date"). */
export function correctSpelling(text: string): string {
  // A word with a capital in it is a name written as code ("ListNode"; the query rules pass
  // only those on with their case): left whole, not corrected piecewise.
  return text.replace(/[A-Za-z]*[A-Z][A-Za-z]*|[a-z]{4,40}/g, (word) => {
    if (/[A-Z]/.test(word)) return word;
    if (KNOWN.has(word) || KNOWN.has(word.replace(/s$/, ""))) return word;
    if (englishWords().has(word)) return word;
    const max = word.length >= 7 ? 2 : 1;
    // Four letters: a dropped letter or a swap only ("quik" → quick), as in lexical.ts.
    const short = word.length === 4;
    let best = max + 1;
    let found: string[] = [];
    for (const w of TARGETS) {
      if (w[0] !== word[0] || Math.abs(w.length - word.length) > max) continue;
      if (short && !droppedOrSwapped(word, w)) continue;
      const d = editDistance(word, w, max);
      if (d < best) {
        best = d;
        found = [w];
      } else if (d === best) found.push(w);
    }
    return best <= max && found.length === 1 ? (found[0] as string) : word;
  });
}
