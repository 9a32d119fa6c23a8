// A small, labelled set of snippets for the contract suite: families and complexities chosen
// so each filter and ordering has a single right answer.
export interface CorpusSnippet {
  key: string;
  title: string | null;
  description?: string;
  language?: string;
  code: string;
  time: string | null;
  space: string | null;
  starred?: boolean;
}

export const CORPUS: CorpusSnippet[] = [
  {
    key: "bubble",
    title: "Bubble sort",
    code: `def bubble_sort(items):
    n = len(items)
    for i in range(n):
        for j in range(n - i - 1):
            if items[j] > items[j + 1]:
                items[j], items[j + 1] = items[j + 1], items[j]
    return items
`,
    time: "O(n^2)",
    space: "O(1)",
  },
  {
    key: "insertion",
    title: "Insertion sort",
    code: `def insertion_sort(values):
    for i in range(1, len(values)):
        key = values[i]
        j = i - 1
        while j >= 0 and values[j] > key:
            values[j + 1] = values[j]
            j -= 1
        values[j + 1] = key
    return values
`,
    time: "O(n^2)",
    space: "O(1)",
    starred: true,
  },
  {
    key: "merge",
    title: "Merge sort",
    description: "Stable divide and conquer sorting",
    code: `def merge_sort(items):
    if len(items) <= 1:
        return items
    mid = len(items) // 2
    left, right = merge_sort(items[:mid]), merge_sort(items[mid:])
    merged = []
    while left and right:
        merged.append(left.pop(0) if left[0] <= right[0] else right.pop(0))
    return merged + left + right
`,
    time: "O(n log n)",
    space: "O(n)",
  },
  {
    key: "binary",
    title: "Binary search",
    code: `def binary_search(items, target):
    lo, hi = 0, len(items) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if items[mid] == target:
            return mid
        if items[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1
`,
    time: "O(log n)",
    space: "O(1)",
  },
  {
    key: "linear",
    title: "Linear search",
    code: `def linear_search(items, target):
    for index, item in enumerate(items):
        if item == target:
            return index
    return -1
`,
    time: "O(n)",
    space: "O(1)",
  },
  {
    key: "fib",
    title: "Naive fibonacci",
    code: `def fib(n):
    # exponential: recomputes every subproblem
    return n if n < 2 else fib(n - 1) + fib(n - 2)
`,
    time: "O(2^n)",
    space: "O(n)",
  },
  {
    key: "parity",
    title: "Is even",
    code: "def is_even(number):\n    return number % 2 == 0\n",
    time: "O(1)",
    space: "O(1)",
  },
  {
    key: "js-sum",
    title: "Array sum",
    language: "javascript",
    code: "function sumArray(values) {\n  return values.reduce((a, b) => a + b, 0);\n}\n",
    time: "O(n)",
    space: "O(1)",
  },
];
