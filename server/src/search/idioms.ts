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

/** How a two-sum hands back the pair it found (indices or values). */
const PAIR_RETURNED: Pattern[] = [
  "return [",
  "return ( $ , $",
  "return $ , $",
  "return [ $ [ $ ] , $ ]",
  "return $ [ $ - $ ] , $",
  "return ( $ [ $ - $ ] , $",
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
      [
        "for $ in $ [ $ ]",
        "for $ in $ . get ( $",
        "for $ , $ in $ [ $ ]",
        "for $ in reversed ( $ [ $ ] )",
        "for $ in sorted ( $ [ $ ] )",
      ],
    ],
    none: [". popleft ( )", "heappop"],
  },
  {
    words: "shortest path dijkstra weighted graph distances",
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
    all: [
      [
        "$ , $ = $ , $ + $",
        "$ ( $ - 1 ) + $ ( $ - 2 )",
        "[ $ - 1 ] + $ [ $ - 2 ]",
        "[ $ , $ ] = [ $ , $ + $ ]",
      ],
    ],
  },
  { words: "greatest common divisor gcd euclid", all: [["$ , $ = $ , $ % $", "$ ( $ , $ % $ )"]] },
  {
    words: "prime number test divisors trial division",
    all: [
      ["% $ == 0", "% $ != 0", "all ( $ % $ for $ in range"],
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
      ["*= $", "* $ ( $ - 1 )", "$ = $ * $ \n"],
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
      ["& 1", "& ( $ - 1 )", "bin ( $ ) . count", "&= $ - 1"],
      [">>= 1", ">> 1", "& ( $ - 1 )", ". count", "&= $ - 1"],
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
      ["pivot", "for $ in $ if $ < $ ]", "for $ in $ if $ <= $ ]", "if $ < $ ]", "if $ <= $ ]"],
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
    all: [["$ - $ in $", "- $ in $ :"], PAIR_RETURNED],
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
      ["permutations", "$ ( $ + [ $ ]", ". pop ( )\n", "+ [ $ ]", "[ $ [ $ ] ] + $"],
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

/** Patterns for a recursive tree visit written in `parts`, where L and R stand for a call on
 * the left or right child with or without one more argument: f(t.left) or f(t.left, out). */
function visits(parts: string[]): Pattern[] {
  let out = [""];
  for (const part of parts) {
    const side = part === "L" ? "left" : part === "R" ? "right" : undefined;
    const forms = side ? [`$ ( $ . ${side} )`, `$ ( $ . ${side} , $ )`] : [part];
    out = out.flatMap((o) => forms.map((f) => `${o} ${f}`));
  }
  return out.map((o) => o.trim());
}

// The everyday exercises a learner saves, read from their structure (names and titles are
// often x, f, "test2"): the arithmetic that defines them, the shape of their loops, the
// literals they must contain. A pattern with "\n" spans line ends (write it " \n ").
/** Other shapes of the algorithms above, under the same words, so that two versions of one
 * algorithm (a loop and a recursion, a heap and an array, a library call and a hand-written
 * loop) read alike to the model, the word index and /similar's fingerprint; and a few
 * Python features people save examples of. Written from the textbook and idiomatic forms of
 * each algorithm, each with a test program and a near miss (idioms-shapes.test.ts). */
const SHAPES: Idiom[] = [
  {
    words: "depth first search dfs graph traversal visited",
    all: [["$ = [ $ ]"], ["while $ :"], ["$ = $ . pop ( )"], ["not in $", "if $ in $ :"]],
    none: [". popleft ( )", "heappop", ". pop ( 0 )"],
  },
  {
    // The O(n^2) version: the nearest unvisited vertex by a scan, then relaxation.
    words: "shortest path dijkstra weighted graph distances",
    all: [
      ["$ [ $ ] + $ [ $ ] [ $ ] < $ [ $ ]", "$ [ $ ] + $ < $ [ $ ]", "$ [ $ ] + $ [ $ ] < $ [ $ ]"],
      ["'inf'", "inf", "maxsize", "** 9"],
      ["not $ [ $ ]", "not in $", "if $ [ $ ] < $"],
    ],
    none: ["heappop", "range ( $ - 1 )", "range ( len ( $ ) - 1 )"],
  },
  {
    words: "bellman ford shortest paths relax every edge negative weights",
    all: [
      ["range ( $ - 1 )", "range ( len ( $ ) - 1 )"],
      ["$ [ $ ] + $ < $ [ $ ]", "$ [ $ ] + $ [ $ ] < $ [ $ ]"],
    ],
  },
  {
    // Depth-first post-order: each node after everything it leads to, then reversed.
    words: "topological sort ordering tasks with prerequisites dependencies",
    all: [
      [
        "for $ in $ [ $ ] : \n $ ( $ ) \n $ . append ( $ )",
        "for $ in $ [ $ ] : \n $ ( $ , $ ) \n $ . append ( $ )",
        "for $ in $ [ $ ] : \n if $ not in $ : \n $ ( $ ) \n $ . append ( $ )",
      ],
      ["[ : : - 1 ]", "reversed (", ". reverse ( )"],
    ],
  },
  {
    words: "merge two sorted lists merge sort divide and conquer",
    all: [
      ["$ [ 0 ] <= $ [ 0 ]", "$ [ 0 ] < $ [ 0 ]", "$ [ 0 ] > $ [ 0 ]"],
      [". pop ( 0 )", "[ 1 : ]"],
    ],
  },
  {
    words: "merge two sorted lists merge sort divide and conquer",
    all: [["heapq . merge"]],
  },
  {
    // Split in halves, sort each, merge what is left of both.
    words: "merge two sorted lists merge sort divide and conquer",
    all: [
      ["[ : $ ]"],
      ["[ $ : ]"],
      ["// 2"],
      [". extend ( $ [ $ : ] )", "+ $ [ $ : ] + $ [ $ : ]", "+= $ [ $ : ]", "+ $ [ $ : ]"],
    ],
  },
  {
    words: "digits of a number sum of digits",
    all: [["sum ( int ( $ ) for $ in str (", "sum ( map ( int , str ("]],
  },
  { words: "greatest common divisor gcd euclid", all: [["math . gcd (", "from math import gcd"]] },
  {
    words: "palindrome reads the same reversed",
    all: [["== '' . join ( reversed ( $ ) )", "list ( reversed ( $ ) ) =="]],
  },
  {
    words: "matrix multiplication",
    all: [["sum ( $ [ $ ] [ $ ] * $ [ $ ] [ $ ] for", "np . dot (", "np . matmul (", "$ @ $"]],
  },
  {
    words: "queue first in first out enqueue dequeue",
    all: [["class $"], ["return self . $ . pop ( 0 )", "return self . $ . popleft ( )"]],
  },
  {
    words: "decorator wraps a function",
    all: [["def $ ( * $ , ** $ )"], ["$ ( * $ , ** $ )"], ["return $ \n"]],
  },
  {
    words: "measure elapsed time timer",
    all: [
      ["time . time ( )", "perf_counter ( )", "time . monotonic ( )", "datetime . now ( )"],
      ["- $"],
    ],
    none: ["sleep ("],
  },
  {
    words: "context manager with statement enter exit",
    all: [["def __enter__", "@ contextmanager", "contextlib . contextmanager"]],
  },
  { words: "generator function yields values lazily", all: [["yield"]] },
  {
    words: "fast exponentiation power by squaring modular",
    all: [["= $ ( $ , $ // 2 )", "$ ( $ , $ // 2 ) **"], ["% 2"], ["* $"]],
  },
  {
    words: "kth smallest or largest element",
    all: [
      [
        "sorted ( $ ) [ $ - 1 ]",
        "sorted ( $ ) [ - $ ]",
        "sorted ( $ , reverse = true ) [ $ - 1 ]",
        "nsmallest ( $ , $ ) [ - 1 ]",
        "nlargest ( $ , $ ) [ - 1 ]",
        "nlargest ( # , $ ) [ - 1 ]",
        "nsmallest ( # , $ ) [ - 1 ]",
      ],
    ],
  },
  {
    // The brute force over every pair, and the complement lookup: the same question.
    words: "two sum pair adding up to a target",
    all: [
      ["if $ [ $ ] + $ [ $ ] == $", "$ - $ in $", "- $ in $ :"],
      [...PAIR_RETURNED, "return true"],
    ],
  },
  {
    words: "stack push pop last in first out",
    all: [["self . $ = $ ( $ , self . $ )"]],
  },
  {
    words: "queue first in first out enqueue dequeue",
    all: [["deque ( )"], [". append ("], ["= $ . popleft ( )"]],
    none: ["for $ in $ [ $ ]", "for $ in $ . get ("],
  },
  {
    words: "reverse a string or list",
    all: [["return $ ( $ [ 1 : ] ) + $ [ 0 ]", "return $ [ - 1 ] + $ ( $ [ : - 1 ] )"]],
  },
];

const EVERYDAY: Idiom[] = [
  // Number exercises
  {
    words: "fizzbuzz multiples of three and five",
    all: [
      ["% 3 == 0", "% 15 == 0"],
      ["% 5 == 0", "% 15 == 0"],
      ["print (", "return", "append"],
    ],
  },
  {
    words: "leap year divisible by 4 100 400",
    all: [
      ["% 4 == 0", "% 4 != 0"],
      ["% 100", "% 400"],
    ],
  },
  {
    words: "temperature conversion celsius fahrenheit",
    all: [
      ["9 / 5", "5 / 9", "* 1.8", "/ 1.8"],
      ["+ 32", "- 32"],
    ],
  },
  {
    words: "convert decimal to binary base conversion",
    all: [
      ["str ( $ % 2 )", ". append ( $ % 2 )", "bin ( $ ) [ 2 : ]", "format ( $ , 'b' )", "% 2 ) +"],
    ],
  },
  {
    words: "convert binary to decimal base conversion",
    all: [["int ( $ , 2 )", "$ * 2 + int ( $ )", "* 2 ** $", "$ = $ * 2 + int"]],
  },
  {
    words: "roman numerals conversion",
    all: [
      ["'m'", "'cm'"],
      ["'xl'", "'xc'", "'l'"],
      ["'iv'", "'v'"],
    ],
  },
  {
    words: "caesar cipher shift letters encrypt decrypt",
    all: [["% 26"], ["ord (", "chr (", "ascii_lowercase", "ascii_letters", ". index ( $ )"]],
  },
  {
    words: "least common multiple lcm",
    all: [["$ * $ // gcd (", "$ * $ // math . gcd", "abs ( $ * $ ) //", "$ * $ // $ ( $ , $ )"]],
  },
  {
    words: "armstrong number digits raised to the power of their count",
    all: [
      [
        "int ( $ ) ** len (",
        "** len ( str ( $ ) )",
        "** len ( $ ) for $ in",
        "int ( $ ) ** $ for $ in",
      ],
    ],
  },
  {
    words: "perfect number sum of proper divisors",
    all: [
      [
        "if $ % $ == 0 : \n $ += $",
        "if $ % $ == 0 : $ += $",
        "for $ in range ( 1 , $ ) if $ % $ == 0 )",
        "for $ in range ( 1 , $ // 2 + 1 ) if $ % $ == 0 )",
      ],
      ["== $", "!= $"],
    ],
  },
  {
    words: "collatz sequence hailstone 3n plus 1",
    all: [
      ["3 * $ + 1", "$ * 3 + 1"],
      ["% 2", "// 2"],
    ],
  },
  {
    words: "pascal triangle binomial coefficients",
    all: [
      [
        "$ [ $ - 1 ] [ $ - 1 ] + $ [ $ - 1 ] [ $ ]",
        "[ 1 ] + [ $ [ $ ] + $ [ $ + 1 ]",
        "zip ( [ 0 ] + $ , $ + [ 0 ] )",
        "[ $ [ $ - 1 ] + $ [ $ ] for $ in range",
      ],
    ],
  },
  {
    words: "quadratic equation roots discriminant",
    all: [["$ ** 2 - 4 * $ * $", "$ * $ - 4 * $ * $"]],
  },
  {
    words: "area and circumference of a circle radius pi",
    all: [["pi * $ ** 2", "pi * $ * $", "pi * ( $ ** 2 )", "2 * $ . pi * $", "2 * pi * $"]],
  },
  { words: "average mean of the numbers", all: [["sum ( $ ) / len ( $ )", "/ len ( $ )"]] },
  // Lists by hand
  {
    words: "find the largest or smallest value by hand maximum minimum",
    all: [
      [
        "for $ in $ : \n if $ > $ : \n $ = $ \n",
        "for $ in $ : \n if $ < $ : \n $ = $ \n",
        "if $ [ $ ] > $ : \n $ = $ [ $ ]",
        "if $ [ $ ] < $ : \n $ = $ [ $ ]",
      ],
    ],
  },
  {
    words: "second largest value",
    all: [
      [
        "if $ > $ : \n $ = $ \n $ = $",
        "if $ > $ : \n $ , $ = $ , $",
        "sorted ( set ( $ ) ) [ - 2 ]",
        "sorted ( $ ) [ - 2 ]",
        "sorted ( $ , reverse = true ) [ 1 ]",
      ],
      ["elif $ > $", "[ - 2 ]", "[ 1 ]"],
    ],
  },
  {
    words: "remove duplicates keep first occurrence",
    all: [["if $ not in $ : \n $ . append ( $ )", "dict . fromkeys (", "list ( set ( $ ) )"]],
    none: [". popleft ( )", ". pop ( )"],
  },
  {
    words: "flatten nested lists into one list",
    all: [
      [
        "isinstance ( $ , list )",
        "isinstance ( $ , ( list",
        "type ( $ ) == list",
        "type ( $ ) is list",
      ],
      [". extend ( $ ( $ ) )", "+= $ ( $ )", "yield from $ ( $ )", "+ $ ( $ )"],
    ],
  },
  {
    words: "flatten nested lists into one list",
    all: [["[ $ for $ in $ for $ in $ ]", "sum ( $ , [ ] )", "chain . from_iterable"]],
  },
  {
    words: "rotate an array by k positions",
    all: [
      [
        "$ [ - $ : ] + $ [ : - $ ]",
        "$ [ $ : ] + $ [ : $ ]",
        "[ ( $ + $ ) % len ( $ ) ]",
        "[ ( $ + $ ) % $ ]",
      ],
    ],
  },
  {
    words: "linear search find the index of a value",
    all: [
      [
        "if $ [ $ ] == $ : \n return $",
        "for $ , $ in enumerate ( $ ) : \n if $ == $ : \n return $",
      ],
    ],
    none: MID,
  },
  // Strings
  {
    words: "run length encoding compress repeated characters",
    all: [
      [
        "== $ [ $ - 1 ]",
        "== $ [ $ + 1 ]",
        "groupby (",
        "while $ < len ( $ ) and $ [ $ ] == $ [ $ ]",
      ],
      [
        "+ str ( $ )",
        "+= str ( $ )",
        ". append ( str ( $ ) )",
        "str ( len ( list ( $ ) ) )",
        "str ( $ - $ )",
        ". append ( f s )",
        "+= f s",
        ". append ( ( $ [ $ ] , $ - $ ) )",
      ],
    ],
  },
  {
    words: "string matching find a pattern in a text knuth morris pratt prefix function",
    all: [
      ["$ = $ [ $ - 1 ]"],
      ["while $ > 0 and $ [ $ ] != $ [ $ ]", "while $ and $ [ $ ] != $ [ $ ]"],
    ],
  },
  {
    words: "string matching find a pattern in a text",
    all: [
      ["[ $ : $ + len ( $ ) ] == $", "[ $ : $ + $ ] == $", "range ( len ( $ ) - len ( $ ) + 1 )"],
    ],
  },
  // Sorting and heaps
  {
    words: "heapify sift down binary heap in an array",
    all: [
      ["2 * $ + 1", "$ * 2 + 1"],
      ["2 * $ + 2", "$ * 2 + 2", "< len ( $ ) and $ [ $ ] > $ [ $ ]", "< $ and $ [ $ ] > $ [ $ ]"],
    ],
  },
  {
    words: "heap sort",
    all: [
      ["2 * $ + 1", "$ * 2 + 1"],
      ["$ [ 0 ] , $ [ $ ] = $ [ $ ] , $ [ 0 ]", "$ [ $ ] , $ [ 0 ] = $ [ 0 ] , $ [ $ ]"],
    ],
  },
  {
    words: "radix sort by digits",
    all: [
      ["// $ ) % 10", "// $ % 10"],
      ["*= 10", "10 ** $"],
    ],
  },
  {
    words: "bucket sort distribute into buckets",
    all: [
      ["[ [ ] for $ in range ("],
      ["[ int ( $ * $ ) ]", "[ int ( $ * $ / $", "[ int ( $ / $", "[ $ // $ ] . append"],
    ],
  },
  {
    words: "shell sort gap insertion",
    all: [["$ [ $ ] = $ [ $ - $ ]"], ["//= 2", "// 2"]],
  },
  {
    words: "quickselect kth smallest partition",
    all: [
      ["pivot", "for $ in $ if $ < $ ]"],
      [
        "return $ ( $ , $ - len ( $ )",
        "return $ ( $ , $ , $ , $ )",
        "if $ == $ : \n return $ [ $ ]",
      ],
      ["if $ < len ( $ )", "if $ <= len ( $ )", "if $ < $ :", "elif $ < $ :"],
    ],
    none: ["+ [ $ ] +", "return $ ( $ ) + $"],
  },
  // Matrices and boards
  {
    words: "search a sorted matrix row by row column by column",
    all: [
      [
        "[ $ // $ ] [ $ % $ ]",
        "while $ < $ and $ >= 0",
        "while $ >= 0 and $ < $",
        "while $ < len ( $ ) and $ >= 0",
        "while $ >= 0 and $ < len ( $ )",
      ],
      ["[ $ ] [ $ ]"],
    ],
  },
  {
    words: "spiral order matrix traversal layer by layer",
    all: [
      ["while $ <= $ and $ <= $", "while $ < $ and $ < $"],
      ["range ( $ , $ - 1 , - 1 )", "range ( $ - 1 , $ - 1 , - 1 )"],
      ["+= 1"],
      ["-= 1"],
    ],
  },
  {
    words: "sudoku solver rows columns 3x3 boxes backtracking",
    all: [
      ["// 3 * 3", "// 3 ) * 3", "3 * ( $ // 3 )", "( $ // 3 ) * 3"],
      ["range ( 9 )", "range ( 3 )"],
    ],
  },
  {
    words: "n queens place queens so no two attack each other backtracking",
    all: [
      [
        "abs ( $ [ $ ] - $ ) == abs ( $ - $ )",
        "abs ( $ [ $ ] - $ [ $ ] ) == abs ( $ - $ )",
        "abs ( $ - $ ) == abs ( $ [ $ ] - $",
        "abs ( $ - $ ) == abs ( $ - $ )",
        ". add ( $ + $ )",
      ],
      ["abs (", ". add ( $ - $ )", ". remove ( $ - $ )", ". discard ( $ - $ )"],
    ],
  },
  {
    words: "print a star pattern pyramid triangle",
    all: [["'*' * $", "$ * '*'", "'*' * (", "( '*' , end", "'* ' * $"]],
  },
  // Trees
  {
    words: "inorder traversal binary tree left root right",
    all: [
      [
        ...visits(["L", "\n $ . append ( $ . $ ) \n", "R"]),
        ...visits(["L", "+ [ $ . $ ] +", "R"]),
        ...visits(["L", "\n print ( $ . $"]),
        ...visits(["L", "\n yield $ . $ \n"]),
        "$ = $ . left \n $ = $ . pop ( )",
      ],
    ],
  },
  {
    words: "preorder traversal binary tree root left right",
    all: [
      [
        ...visits(["$ . append ( $ . $ ) \n", "L", "\n", "R"]),
        ...visits(["[ $ . $ ] +", "L", "+", "R"]),
        ...visits(["print ( $ . $ ) \n", "L"]),
        "$ . append ( $ . right ) \n if $ . left : \n $ . append ( $ . left )",
      ],
    ],
  },
  {
    words: "postorder traversal binary tree left right root",
    all: [
      [
        ...visits(["L", "\n", "R", "\n $ . append ( $ . $ )"]),
        ...visits(["L", "+", "R", "+ [ $ . $ ]"]),
        ...visits(["R", "\n print ( $ . $"]),
      ],
    ],
  },
  {
    words: "binary search tree insert a key",
    all: [
      ["if $ < $ . $ :", "if $ > $ . $ :", "if $ . $ > $ :", "if $ . $ < $ :"],
      [
        "$ . left = $ ( $ . left , $ )",
        "$ . right = $ ( $ . right , $ )",
        "$ . left = $ ( $ )",
        "$ . right = $ ( $ )",
      ],
    ],
  },
  {
    words: "binary search tree lookup find a key",
    all: [
      ["if $ < $ . $ :", "if $ > $ . $ :", "if $ . $ > $ :", "if $ . $ < $ :"],
      [
        "return $ ( $ . left , $ )",
        "return $ ( $ . right , $ )",
        "$ = $ . left if $",
        "$ = $ . left \n else : \n $ = $ . right",
      ],
    ],
  },
  {
    words: "lowest common ancestor of two nodes",
    all: [
      ["if $ and $ : \n return $", "if $ and $ : return $", "return $ if $ and $ else"],
      ["$ ( $ . left , $ , $ )"],
      ["$ ( $ . right , $ , $ )"],
    ],
  },
  // Recursion, bits, intervals, buffers
  {
    words: "tower of hanoi recursion",
    // A recursive call on n - 1 with the pegs, a move, and the second call after it.
    all: [
      [
        "$ ( $ - 1 , $ , $ , $ ) \n print (",
        "$ ( $ - 1 , $ , $ , $ ) \n $ . append ( ( $ , $ ) )",
        "$ ( $ - 1 , $ , $ , $ , $ ) \n print (",
        "$ ( $ - 1 , $ , $ , $ , $ ) \n $ . append ( ( $ , $ ) )",
      ],
      [") \n $ ( $ - 1 , $ , $ , $"],
    ],
  },
  {
    words: "xor of all values pairs cancel out bitwise exclusive or",
    all: [["^ = $", "^ $ for $ in", "reduce ( xor", "reduce ( operator . xor"]],
  },
  {
    words: "majority element boyer moore voting",
    all: [["+= 1 if $ == $ else - 1", "> len ( $ ) // 2", "if $ == 0 : \n $ = $ \n $ += 1"]],
  },
  {
    words: "longest palindromic substring expand around the center",
    all: [
      [
        "while $ >= 0 and $ < len ( $ ) and $ [ $ ] == $ [ $ ]",
        "while $ >= 0 and $ < $ and $ [ $ ] == $ [ $ ]",
      ],
    ],
  },
  {
    words: "intervals overlap check sorted by start",
    all: [
      [
        "[ $ ] [ 1 ] <= $ [ $ + 1 ] [ 0 ]",
        "[ $ ] [ 1 ] > $ [ $ + 1 ] [ 0 ]",
        "[ $ ] [ 0 ] < $ [ $ - 1 ] [ 1 ]",
        "[ $ ] [ 0 ] >= $ [ $ - 1 ] [ 1 ]",
      ],
    ],
  },
  {
    words: "minimum spanning tree kruskal cheapest edges",
    all: [
      [
        "for $ , $ , $ in sorted ( $",
        ". sort ( key = lambda $ : $ [ 2 ] )",
        "sorted ( $ , key = lambda $ : $ [ 2 ] )",
      ],
      ["while $ [ $ ] != $", "$ [ $ ] = $ ( $ [ $ ] )", "if $ [ $ ] != $ :", "if $ != $ :"],
    ],
  },
  {
    words: "circular buffer ring queue wrap around",
    all: [
      [
        "( $ . $ + 1 ) % len ( $ . $ )",
        "( $ . $ + 1 ) % $ . $",
        "( $ . $ + $ . $ ) % len ( $ . $ )",
        "( $ . $ + $ . $ ) % $ . $",
      ],
    ],
  },
  {
    words: "running median two heaps",
    all: [["- heappop (", "- $ [ 0 ]", ", - $ )"], ["heappush"], ["heappop"]],
  },
  {
    words: "integer square root by binary search",
    all: [MID, ["$ * $ <= $", "$ * $ > $", "$ * $ == $", "$ * $ < $"]],
  },
  // Games
  {
    words: "number guessing game random",
    all: [["randint (", "randrange ("], ["input ("], ["while"]],
  },
];

/** More everyday programs, read the same way (idioms-shapes.test.ts). */
const EVERYDAY_MORE: Idiom[] = [
  {
    words: "rotate an array by k positions",
    all: [
      [". insert ( 0 , $ . pop ( ) )", ". append ( $ . pop ( 0 ) )", ". insert ( 0 , $ )"],
      ["pop ("],
      ["for $ in range ( $ )", "for $ in range ( # )"],
    ],
  },
  {
    words: "pangram uses every letter of the alphabet",
    all: [
      ["ascii_lowercase", "alphabet", "for $ in s : \n if $ not in $"],
      ["<= set (", ". issubset (", "not in $", "all ( $ in $"],
    ],
    none: ["% 26", "maketrans"],
  },
  {
    words: "squares of numbers",
    all: [["$ * $ for $ in", "$ ** 2 for $ in", ". append ( $ * $ )", ". append ( $ ** 2 )"]],
  },
  {
    words: "caesar cipher shift letters encrypt decrypt",
    all: [["maketrans"], ["[ $ : ] + $ [ : $ ]"]],
  },
  {
    words: "group items by a key into lists",
    all: [
      [
        ". setdefault ( $ [ 0 ] , [ ] )",
        ". setdefault ( len ( $ ) , [ ] )",
        ". setdefault ( $ ( $ ) , [ ] )",
        ". setdefault ( $ . $ , [ ] )",
        "[ $ [ 0 ] ] . append ( $ )",
        "[ len ( $ ) ] . append ( $ )",
        "[ $ ( $ ) ] . append ( $ )",
        "groupby (",
      ],
    ],
  },
  {
    words: "contains duplicates repeated values check",
    all: [
      [
        "len ( set ( $ ) ) != len ( $ )",
        "len ( set ( $ ) ) < len ( $ )",
        "len ( $ ) != len ( set ( $ ) )",
        "len ( $ ) > len ( set ( $ ) )",
        "len ( set ( $ ) ) == len ( $ )",
        "if $ [ $ ] == $ [ $ ] : \n return true",
        "if $ in $ : \n return true",
      ],
    ],
  },
  {
    words: "multiplication times table",
    all: [
      ["range ( 1 , 11 )", "range ( 1 , 13 )"],
      ["'x'", "' x '", "print ( $ * $", ", $ * $ ,", ", $ * $ )", "'*'"],
    ],
  },
  { words: "roll a die dice random", all: [["randint ( 1 , 6 )", "choice ( range ( 1 , 7 ) )"]] },
  { words: "coin flip heads or tails", all: [["'heads'"], ["'tails'"]] },
  {
    words: "random password generator letters digits symbols",
    all: [
      ["ascii_letters", "string . digits", "punctuation"],
      ["choice", "choices", "sample", "secrets"],
    ],
  },
  {
    words: "countdown timer waits each second",
    all: [["sleep ( 1 )"], ["-= 1", "range ( $ , 0 , - 1 )", "range ( $ , - 1 , - 1 )"]],
  },
  {
    words: "dates days between two dates datetime",
    all: [
      ["datetime", "date . today", "timedelta"],
      [". days", "timedelta (", "strptime ("],
    ],
  },
  {
    words: "calculator add subtract multiply divide operators",
    all: [["'+'"], ["'-'"], ["'*'"], ["'/'"]],
  },
  {
    words: "menu driven loop choose an option",
    all: [["while true :"], ["input ("], ["== '1'", "== 1 :"], ["== '2'", "== 2 :"]],
  },
  {
    words: "tic tac toe board three in a row",
    all: [
      ["'x'"],
      ["'o'"],
      [
        "[ 0 ] [ 0 ]",
        "( 0 , 4 , 8 )",
        "[ 0 , 4 , 8 ]",
        "( 2 , 4 , 6 )",
        "[ 0 ] == $ [ 4 ] == $ [ 8 ]",
      ],
    ],
  },
  { words: "rock paper scissors game", all: [["'rock'"], ["'paper'"], ["'scissors'"]] },
  {
    words: "find the largest or smallest value by hand maximum minimum",
    all: [
      ["reduce ( lambda $ , $ : $ if $ > $ else $", "reduce ( lambda $ , $ : $ if $ < $ else $"],
    ],
  },
];

const ALL_IDIOMS: Idiom[] = [...IDIOMS, ...SHAPES, ...EVERYDAY, ...EVERYDAY_MORE];
const ALGORITHM_PHRASES = new Set([...IDIOMS, ...SHAPES].map((i) => i.words));

/** Whether a phrase comes from the everyday exercises (EVERYDAY) rather than the algorithm
 * idioms: the everyday ones are broad ("an average", "a guessing game") and do not decide
 * whether a query answers (lexical.ts); an algorithm's shape is as good as its name. */
export const isEverydayIdiom = (phrase: string): boolean => !ALGORITHM_PHRASES.has(phrase);

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

const COMPILED = ALL_IDIOMS.map((idiom) => ({
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
    if (found.includes(idiom.words)) continue;
    if (idiom.all.every((group) => group.some((p) => occurs(tokens, at, p))))
      found.push(idiom.words);
  }
  recent.unshift({ code, idioms: found });
  recent.length = Math.min(recent.length, 4);
  return found;
}
