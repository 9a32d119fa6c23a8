// Idioms read from how code is written, names aside (idioms.ts): each case is a program a
// learner might save as "test2", and the words search should learn from it.
import { describe, expect, it } from "vitest";
import { codeIdioms, idiomTokens } from "../../src/search/idioms.js";

const has = (code: string, words: string) => codeIdioms(code).some((p) => p.includes(words));

describe("code idioms", () => {
  const cases: [string, string, string][] = [
    [
      "an iterative binary search",
      "def f(a, x):\n    l, r = 0, len(a) - 1\n    while l <= r:\n        m = (l + r) // 2\n        if a[m] < x:\n            l = m + 1\n        else:\n            r = m - 1\n    return l\n",
      "binary search",
    ],
    [
      "a recursive binary search",
      "def g(a, x, p, q):\n    if p > q:\n        return -1\n    c = p + (q - p) // 2\n    if a[c] == x:\n        return c\n    if a[c] < x:\n        return g(a, x, c + 1, q)\n    return g(a, x, p, c - 1)\n",
      "binary search",
    ],
    [
      "a breadth-first traversal",
      "from collections import deque\ndef h(g, s):\n    seen = {s}\n    q = deque([s])\n    while q:\n        u = q.popleft()\n        for v in g[u]:\n            if v not in seen:\n                seen.add(v)\n                q.append(v)\n",
      "breadth first search",
    ],
    [
      "Dijkstra with a heap",
      "import heapq\ndef k(g, s):\n    d = {s: 0}\n    h = [(0, s)]\n    while h:\n        c, u = heapq.heappop(h)\n        for v, w in g[u]:\n            if c + w < d.get(v, 1e18):\n                d[v] = c + w\n                heapq.heappush(h, (c + w, v))\n    return d\n",
      "shortest path",
    ],
    [
      "Kahn's topological order",
      "from collections import deque\ndef t(n, e):\n    k = [0] * n\n    for a, b in e:\n        k[b] += 1\n    q = deque(i for i in range(n) if k[i] == 0)\n    while q:\n        u = q.popleft()\n        for a, b in e:\n            if a == u:\n                k[b] -= 1\n                if k[b] == 0:\n                    q.append(b)\n",
      "topological sort",
    ],
    [
      "Euclid's algorithm",
      "def f(a, b):\n    while b:\n        a, b = b, a % b\n    return a\n",
      "greatest common divisor",
    ],
    [
      "Fibonacci by pairs",
      "a, b = 0, 1\nfor _ in range(10):\n    print(a)\n    a, b = b, a + b\n",
      "fibonacci",
    ],
    ["a palindrome test", "s = input()\nprint(s == s[::-1])\n", "palindrome"],
    ["an anagram test", "def f(a, b):\n    return sorted(a) == sorted(b)\n", "anagram"],
    [
      "a bubble sort",
      "def f(a):\n    for i in range(len(a)):\n        for j in range(len(a) - 1 - i):\n            if a[j] > a[j + 1]:\n                a[j], a[j + 1] = a[j + 1], a[j]\n",
      "bubble sort",
    ],
    [
      "a 0/1 knapsack",
      "def f(w, v, c):\n    d = [0] * (c + 1)\n    for i in range(len(w)):\n        for j in range(c, w[i] - 1, -1):\n            d[j] = max(d[j], d[j - w[i]] + v[i])\n    return d[c]\n",
      "knapsack",
    ],
    [
      "a digit sum",
      "def f(n):\n    s = 0\n    while n:\n        s += n % 10\n        n //= 10\n    return s\n",
      "digits",
    ],
  ];
  for (const [what, code, words] of cases) {
    it(`recognises ${what} whatever its names`, () => {
      expect(codeIdioms(code).join(" | ")).toContain(words);
    });
  }

  it("does not read idioms out of comments or long strings", () => {
    const code = `# mid = (lo + hi) // 2 while lo <= hi\ns = "a, b = b, a % b and a, b = b, a + b"\nprint(s)\n`;
    expect(codeIdioms(code)).toEqual([]);
  });

  it("does not call every loop a search or a sort", () => {
    const plain = "total = 0\nfor x in range(10):\n    total += x\nprint(total)\n";
    expect(has(plain, "binary search")).toBe(false);
    expect(has(plain, "sort")).toBe(false);
    expect(has(plain, "shortest path")).toBe(false);
  });

  it("tells a Dijkstra from a plain heap and a stack from a queue", () => {
    const heapOnly = "import heapq\nh = []\nheapq.heappush(h, 3)\nprint(heapq.heappop(h))\n";
    expect(has(heapOnly, "priority queue")).toBe(true);
    expect(has(heapOnly, "shortest path")).toBe(false);
    const queue =
      "from collections import deque\nq = deque([1])\nwhile q:\n    x = q.popleft()\n    for y in range(x):\n        q.append(y)\n";
    expect(has(queue, "stack")).toBe(false);
  });

  it("tokenizes short strings by their text, long ones as one token, and drops comments", () => {
    expect(idiomTokens("x = '(' # c\ny = 'a long string here'\n")).toEqual([
      "x",
      "=",
      "'('",
      "\n",
      "y",
      "=",
      "s",
      "\n",
    ]);
  });
});
