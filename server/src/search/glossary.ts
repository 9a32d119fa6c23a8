// A glossary of what programs people save are called and what they do, in plain words. A
// paraphrase ("move a pile of disks between three pegs") shares no word with the code it
// wants, and a small sentence model does not always know that it describes a named
// problem; the glossary's descriptions are written in the words people use for the task,
// so a query whose embedding lies close to one of them is about that entry, and the
// entry's name is added to the query (glossary-expansion.ts).
//
// Written from general knowledge of programming exercises and algorithms, before any
// measurement, and frozen for it: no entry comes from a labelled query (dev or held-out).
// Each description avoids the entry's own name, since a query that uses the name needs no
// help.

export interface GlossaryEntry {
  /** What the code is called: appended to a query that describes it. */
  name: string;
  /** The task in everyday words, without the name. */
  says: string[];
}

export const GLOSSARY: readonly GlossaryEntry[] = [
  // Sorting and searching
  {
    name: "bubble sort",
    says: ["repeatedly swap neighbouring items that are out of order until the list is ordered"],
  },
  {
    name: "insertion sort",
    says: ["take each item and shift it left into its place among the items before it"],
  },
  {
    name: "selection sort",
    says: ["repeatedly find the smallest remaining item and move it to the front"],
  },
  {
    name: "merge sort",
    says: ["split the list in halves, order each half, then combine the two ordered halves"],
  },
  {
    name: "quick sort",
    says: ["pick a pivot, put smaller items before it and larger after it, repeat on each side"],
  },
  {
    name: "heap sort",
    says: ["order a list by building a max-heap and repeatedly taking out the biggest"],
  },
  {
    name: "counting sort",
    says: ["order small whole numbers by counting how many times each value appears"],
  },
  {
    name: "sorting",
    says: [
      "put a list of numbers in order from smallest to largest",
      "arrange items in ascending order",
    ],
  },
  {
    name: "binary search",
    says: [
      "find a value in an ordered list by repeatedly halving the range where it can be",
      "guess the middle and throw away the half that cannot hold the answer",
    ],
  },
  {
    name: "linear search",
    says: ["check every element one by one until the wanted value is found"],
  },
  {
    name: "quickselect kth smallest",
    says: ["find the k-th smallest element without ordering the whole list"],
  },
  // Graphs
  {
    name: "breadth first search",
    says: [
      "visit a graph level by level, closest nodes first, using a queue",
      "fewest steps from a start to every other node when all moves cost the same",
    ],
  },
  {
    name: "depth first search",
    says: [
      "explore as far as possible along each branch before backing up",
      "visit every node reachable from a start by going deep first",
    ],
  },
  {
    name: "dijkstra shortest path",
    says: [
      "cheapest route between two places on a map with road lengths",
      "minimum total distance from a source to every node when edges have weights",
    ],
  },
  {
    name: "topological sort",
    says: [
      "order tasks so that every task comes after the tasks it depends on",
      "a build order for courses or jobs with dependencies",
    ],
  },
  {
    name: "cycle detection in a graph",
    says: ["check whether following the links ever leads back to where it started"],
  },
  {
    name: "union find disjoint set",
    says: ["keep track of which items are in the same group while merging groups"],
  },
  {
    name: "minimum spanning tree",
    says: [
      "join every node of a weighted network using the least total edge weight",
      "cheapest set of links that joins every point",
    ],
  },
  {
    name: "number of islands flood fill",
    says: [
      "count the separate patches of land in a grid of land and water",
      "fill a connected region of same-coloured cells",
    ],
  },
  {
    name: "maze solver path in a grid",
    says: ["find a way out of a maze from the start cell to the exit"],
  },
  {
    name: "bipartite graph two colouring",
    says: ["split the nodes into two groups so that no edge stays inside a group"],
  },
  // Trees
  {
    name: "binary search tree",
    says: ["a tree where smaller keys go left and larger keys go right, with insert and lookup"],
  },
  {
    name: "tree traversal inorder preorder postorder",
    says: [
      "visit every node of a tree, the left side, the node itself and the right side in some order",
    ],
  },
  {
    name: "level order traversal",
    says: ["print a tree one row at a time from the top"],
  },
  {
    name: "height of a binary tree",
    says: ["how many levels deep a tree goes, the longest path from the top to a bottom node"],
  },
  {
    name: "lowest common ancestor",
    says: ["the deepest node that has both of two given nodes below it"],
  },
  {
    name: "trie prefix tree",
    says: [
      "store words letter by letter so you can look up all words that start with some letters",
      "autocomplete from a list of words",
    ],
  },
  {
    name: "invert binary tree",
    says: ["mirror a tree by swapping every node's left and right children"],
  },
  // Linear structures
  {
    name: "linked list",
    says: ["a chain of nodes where each one points to the next"],
  },
  {
    name: "reverse a linked list",
    says: ["make each node point to the one before it instead of the one after"],
  },
  {
    name: "linked list cycle detection tortoise and hare",
    says: ["a slow and a fast walker through a chain, to see whether it loops back"],
  },
  {
    name: "stack",
    says: [
      "last in first out: push on top, pop from the top",
      "undo history where the latest action is undone first",
    ],
  },
  {
    name: "queue",
    says: [
      "first in first out: people served in the order they arrived",
      "waiting line where items join at the back and leave from the front",
    ],
  },
  {
    name: "balanced parentheses",
    says: ["check that every opening bracket is closed in the right order"],
  },
  {
    name: "priority queue heap",
    says: [
      "always take out the most urgent or smallest item first",
      "the k largest values of a stream",
    ],
  },
  {
    name: "hash map dictionary",
    says: ["store values under keys for fast lookup", "a phone book of names and numbers"],
  },
  {
    name: "lru cache",
    says: ["keep the most recently used entries and throw out the one unused for the longest time"],
  },
  {
    name: "circular buffer",
    says: ["a fixed-size store that overwrites the oldest entry when full"],
  },
  // Dynamic programming and recursion
  {
    name: "fibonacci",
    says: [
      "each number is the sum of the two before it, starting from 0 and 1",
      "rabbit population that grows from the previous two months",
    ],
  },
  {
    name: "factorial",
    says: [
      "multiply all whole numbers from 1 up to n",
      "the number of ways to order n distinct things",
    ],
  },
  {
    name: "tower of hanoi",
    says: [
      "move a stack of disks from one peg to another, one at a time, never a big disk on a small one",
    ],
  },
  {
    name: "n queens",
    says: [
      "place queens on a chessboard so that none can attack another",
      "put pieces on a board so no two share a row, column or diagonal",
    ],
  },
  {
    name: "sudoku solver",
    says: ["fill a nine by nine number grid so every row, column and box has each digit once"],
  },
  {
    name: "permutations",
    says: [
      "every possible ordering of a set of items",
      "all the ways to rearrange the letters of a word",
    ],
  },
  {
    name: "subsets combinations power set",
    says: [
      "every possible selection of items from a collection, of any size",
      "all the ways to choose k things out of n",
    ],
  },
  {
    name: "knapsack",
    says: [
      "pick items with weights and values to carry the most value without going over a weight limit",
      "fill a bag of limited capacity with the most valuable things",
    ],
  },
  {
    name: "coin change",
    says: [
      "fewest coins that add up to an amount",
      "how many ways to make change for a sum of money",
    ],
  },
  {
    name: "climbing stairs",
    says: ["number of ways to reach the top taking one or two steps at a time"],
  },
  {
    name: "longest common subsequence",
    says: ["the longest sequence of characters that appears in both strings in the same order"],
  },
  {
    name: "edit distance levenshtein",
    says: [
      "fewest insertions, deletions and substitutions to turn one word into another",
      "how different two words are, for spell checking",
    ],
  },
  {
    name: "longest increasing subsequence",
    says: ["the longest run of values that keep going up, not necessarily next to each other"],
  },
  {
    name: "maximum subarray kadane",
    says: [
      "the contiguous stretch of numbers with the largest sum",
      "best period to be in, from a list of daily gains and losses",
    ],
  },
  {
    name: "house robber",
    says: ["take the most money from houses in a row without taking from two neighbours"],
  },
  {
    name: "unique paths in a grid",
    says: [
      "count the routes from the top-left corner to the bottom-right moving only right or down",
    ],
  },
  {
    name: "memoization",
    says: ["remember the answers to calls already made so they are not computed again"],
  },
  {
    name: "recursion",
    says: ["a function that calls itself on a smaller piece of the problem"],
  },
  {
    name: "backtracking",
    says: ["try a choice, go on, and undo it when it leads nowhere"],
  },
  // Strings
  {
    name: "palindrome",
    says: ["a word or sentence that reads the same forwards and backwards"],
  },
  {
    name: "anagram",
    says: ["two words made of exactly the same letters in a different order"],
  },
  {
    name: "reverse a string",
    says: ["write the characters of a text backwards"],
  },
  {
    name: "count vowels",
    says: ["how many of the letters a, e, i, o and u a sentence has"],
  },
  {
    name: "word count frequency",
    says: ["how many times each word appears in a text", "the most common words in a document"],
  },
  {
    name: "caesar cipher",
    says: [
      "encrypt a message by shifting every letter a fixed number of places in the alphabet",
      "secret code that moves letters along",
    ],
  },
  {
    name: "string matching substring search",
    says: ["find where a short pattern occurs inside a longer text"],
  },
  {
    name: "longest substring without repeating characters",
    says: ["the longest stretch of a text in which no character appears twice"],
  },
  {
    name: "run length encoding compression",
    says: ["shorten a text by writing each run of the same character as the character and a count"],
  },
  {
    name: "capitalize title case",
    says: ["make the first letter of every word upper case"],
  },
  {
    name: "password validation strength checker",
    says: ["check that a secret has enough length, digits, capitals and symbols"],
  },
  {
    name: "random password generator",
    says: ["make a random secret of letters, digits and symbols"],
  },
  {
    name: "email validation regex",
    says: [
      "check that an address has a name, an at sign and a domain",
      "match text against a pattern",
    ],
  },
  // Math
  {
    name: "prime numbers",
    says: [
      "whole numbers that only divide by one and themselves",
      "check whether a number has any divisors",
    ],
  },
  {
    name: "sieve of eratosthenes",
    says: [
      "cross out the multiples of each number to list everything with no divisors below a limit",
    ],
  },
  {
    name: "prime factorization",
    says: ["break a number down into the primes that multiply to it"],
  },
  {
    name: "greatest common divisor gcd",
    says: [
      "the biggest number that divides two numbers exactly",
      "simplify a fraction to lowest terms",
    ],
  },
  {
    name: "least common multiple lcm",
    says: ["the smallest number that both numbers divide into"],
  },
  {
    name: "fast power exponentiation",
    says: ["raise a number to a large exponent by squaring, in few multiplications"],
  },
  {
    name: "square root newton",
    says: ["compute the root of a number by improving a guess again and again"],
  },
  {
    name: "sum of digits",
    says: ["add up the individual digits of a number"],
  },
  {
    name: "armstrong number",
    says: ["a number equal to the sum of its digits each raised to the number of digits"],
  },
  {
    name: "perfect number",
    says: ["a number equal to the sum of its proper divisors"],
  },
  {
    name: "collatz sequence",
    says: ["halve even numbers, triple odd ones and add one, until reaching one"],
  },
  {
    name: "pascal triangle binomial coefficients",
    says: ["rows of numbers where each is the sum of the two above it"],
  },
  {
    name: "quadratic equation solver",
    says: ["find the roots of a x squared plus b x plus c"],
  },
  {
    name: "matrix multiplication",
    says: ["multiply two tables of numbers, rows by columns"],
  },
  {
    name: "matrix transpose rotate",
    says: ["swap the rows and columns of a grid", "turn a square grid a quarter turn"],
  },
  {
    name: "decimal to binary conversion",
    says: ["write a number in base two", "turn ones and zeros back into an ordinary number"],
  },
  {
    name: "roman numerals",
    says: ["convert numbers to and from letters like x, v and i as the ancient romans wrote them"],
  },
  {
    name: "bit manipulation",
    says: [
      "count the ones in the binary form of a number",
      "check whether a number is a power of two with bitwise and",
    ],
  },
  {
    name: "monte carlo simulation",
    says: ["estimate a quantity by throwing many random points", "estimate pi with random darts"],
  },
  // Everyday programs
  {
    name: "fizzbuzz",
    says: [
      "print the numbers but say a word for multiples of three, another for five, and both for fifteen",
    ],
  },
  {
    name: "leap year",
    says: [
      "does february have 29 days in a given year",
      "a year divisible by four but not by a hundred unless by four hundred",
    ],
  },
  {
    name: "temperature conversion celsius fahrenheit",
    says: ["change degrees from one temperature scale to the other"],
  },
  {
    name: "unit converter",
    says: ["change kilometres to miles or kilograms to pounds"],
  },
  {
    name: "calculator",
    says: ["add, subtract, multiply or divide two numbers the user types"],
  },
  {
    name: "number guessing game",
    says: ["the computer picks a secret number and the player guesses with higher or lower hints"],
  },
  {
    name: "rock paper scissors",
    says: ["a hand game against the computer where each choice beats one of the others"],
  },
  {
    name: "tic tac toe",
    says: ["two players take turns marking a three by three board, three in a row wins"],
  },
  {
    name: "hangman",
    says: ["guess a hidden word one letter at a time before running out of lives"],
  },
  {
    name: "dice roller",
    says: ["throw random dice and add up the faces"],
  },
  {
    name: "bank account class",
    says: ["deposit and withdraw money and refuse to go below zero"],
  },
  {
    name: "student grades average",
    says: [
      "work out a class's mean mark and letter grades",
      "grade point average from course marks",
    ],
  },
  {
    name: "shopping cart total",
    says: ["add up prices and quantities of items bought, with tax or a discount"],
  },
  {
    name: "tip calculator",
    says: ["split a restaurant bill between people including a percentage for service"],
  },
  {
    name: "to do list",
    says: ["add, show and remove tasks from a list of things to do"],
  },
  {
    name: "age calculator dates",
    says: ["how old someone is from their birth date", "how many days between two dates"],
  },
  {
    name: "stopwatch timer countdown",
    says: ["count down seconds and print when time is up", "measure how long something takes"],
  },
  {
    name: "interest calculator",
    says: ["how savings grow each year with a yearly rate", "monthly loan repayment"],
  },
  {
    name: "bmi calculator",
    says: ["body mass from weight and height"],
  },
  {
    name: "multiplication table",
    says: ["print the products of a number times one to ten"],
  },
  {
    name: "star pattern pyramid",
    says: ["print a triangle of asterisks row by row"],
  },
  {
    name: "remove duplicates",
    says: ["keep only the first copy of each value in a list"],
  },
  {
    name: "flatten nested list",
    says: ["turn a list of lists into one flat list"],
  },
  {
    name: "two sum",
    says: ["find two numbers in a list that add up to a target"],
  },
  {
    name: "merge intervals",
    says: ["join time ranges that overlap into one", "do two meetings clash"],
  },
  {
    name: "sliding window",
    says: ["the best sum or count over every run of k consecutive values"],
  },
  {
    name: "two pointers",
    says: ["walk inwards from both ends of an ordered list"],
  },
  {
    name: "majority element",
    says: ["the value that appears in more than half of the list"],
  },
  {
    name: "second largest",
    says: ["the runner-up value of a list, without sorting it"],
  },
  // Files, data and libraries
  {
    name: "read a file",
    says: [
      "open a text file and go through it line by line",
      "count the lines and words of a file",
    ],
  },
  {
    name: "write to a file log",
    says: ["save lines of text to disk", "append messages with a timestamp to a file"],
  },
  {
    name: "csv file",
    says: ["read rows of comma separated values from a spreadsheet export"],
  },
  {
    name: "json",
    says: ["read settings from a file of keys and values", "turn a dictionary into text and back"],
  },
  {
    name: "sqlite database",
    says: ["store rows in a local database table and query them"],
  },
  {
    name: "http request api",
    says: ["download a web page or call a web service", "fetch data from a url"],
  },
  {
    name: "pandas dataframe",
    says: [
      "group a table by a column and compute totals",
      "load a spreadsheet into a table and filter its rows",
    ],
  },
  {
    name: "numpy array",
    says: [
      "mean and standard deviation of a list of measurements",
      "element-wise arithmetic on vectors",
    ],
  },
  {
    name: "matplotlib plot chart",
    says: ["draw a line graph or a bar chart of some numbers"],
  },
  {
    name: "generator yield",
    says: ["produce values one at a time lazily instead of building the whole list"],
  },
  {
    name: "decorator",
    says: [
      "wrap a function to add behaviour before and after every call, such as timing or logging",
    ],
  },
  {
    name: "context manager",
    says: ["set something up and always clean it up afterwards, even on errors"],
  },
  {
    name: "class inheritance",
    says: [
      "a shape base type with circles and rectangles that compute their own area",
      "a subclass that extends its parent",
    ],
  },
  {
    name: "exception handling try except",
    says: ["keep the program running when the user types something that is not a number"],
  },
  {
    name: "threading concurrency",
    says: ["run several tasks at the same time", "download several things at once"],
  },
  {
    name: "asyncio",
    says: ["wait for several slow operations together without blocking"],
  },
  {
    name: "command line arguments argparse",
    says: ["read options and flags given when the script is started from a terminal"],
  },
  {
    name: "random choice shuffle",
    says: ["pick something at random or mix up the order of a list"],
  },
  {
    name: "list comprehension",
    says: ["build a new list from an old one in a single line"],
  },
  {
    name: "sort by key lambda",
    says: ["order records by one of their fields", "sort people by age"],
  },
];
