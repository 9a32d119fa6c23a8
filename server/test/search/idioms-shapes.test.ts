// Other shapes of the algorithms idioms.ts knows (SHAPES), more everyday programs
// (EVERYDAY_MORE), and the point of both: two versions of one algorithm — a loop and a
// recursion, a heap and an array, a library call and a hand-written loop — read alike. Names
// are x, f, g as in a "test2".
import { describe, expect, it } from "vitest";
import { codeIdioms } from "../../src/search/idioms.js";
import { checkIdiomCases, type IdiomCase } from "./idiom-cases.js";

const CASES: IdiomCase[] = [
  [
    "depth first search",
    `def f(g, s):
    st = [s]
    seen = set()
    while st:
        v = st.pop()
        if v in seen:
            continue
        seen.add(v)
        for w in reversed(g[v]):
            st.append(w)
    return seen
`,
    `def f(xs):
    st = [0]
    while st:
        v = st.pop()
        print(v)
`,
  ],
  [
    "shortest path dijkstra",
    `INF = float("inf")
def f(n, w, s):
    d = [INF] * n
    used = [False] * n
    d[s] = 0
    for _ in range(n):
        v = min((i for i in range(n) if not used[i]), key=lambda i: d[i])
        used[v] = True
        for u in range(n):
            if w[v][u] and d[v] + w[v][u] < d[u]:
                d[u] = d[v] + w[v][u]
    return d
`,
    `def f(a):
    best = float("inf")
    for x in a:
        if x < best:
            best = x
    return best
`,
  ],
  [
    "bellman ford",
    `def f(vs, es, s):
    d = {v: float("inf") for v in vs}
    d[s] = 0
    for _ in range(len(vs) - 1):
        for u, v, w in es:
            if d[u] + w < d[v]:
                d[v] = d[u] + w
    return d
`,
    `def f(vs):
    for i in range(len(vs) - 1):
        print(vs[i], vs[i + 1])
`,
  ],
  [
    "topological sort",
    `done = set()
out = []
def f(x, g):
    if x in done:
        return
    done.add(x)
    for y in g[x]:
        f(y, g)
    out.append(x)
print(out[::-1])
`,
    `def f(x, g):
    for y in g[x]:
        print(y)
    return x
`,
  ],
  [
    "merge two sorted lists",
    `def f(a, b):
    out = []
    while a and b:
        if a[0] <= b[0]:
            out.append(a.pop(0))
        else:
            out.append(b.pop(0))
    return out + a + b
`,
    `def f(a, b):
    return a[0] <= b[0]
`,
  ],
  [
    "merge two sorted lists",
    `import heapq
print(list(heapq.merge([1, 4, 9], [2, 3, 10])))
`,
    `import heapq
print(heapq.nsmallest(2, [5, 1, 4]))
`,
  ],
  [
    "merge two sorted lists",
    `def f(a):
    if len(a) < 2:
        return a
    m = len(a) // 2
    x, y = f(a[:m]), f(a[m:])
    out, i, j = [], 0, 0
    while i < len(x) and j < len(y):
        if x[i] < y[j]:
            out.append(x[i]); i += 1
        else:
            out.append(y[j]); j += 1
    return out + x[i:] + y[j:]
`,
    `def f(a):
    m = len(a) // 2
    return a[:m], a[m:]
`,
  ],
  [
    "quicksort",
    `def s(xs):
    if len(xs) < 2:
        return xs
    p = xs[0]
    return s([x for x in xs[1:] if x < p]) + [p] + s([x for x in xs[1:] if x >= p])
`,
    `def s(xs, p):
    return [x for x in xs if x < p]
`,
  ],
  [
    "factorial",
    `n = int(input())
r = 1
for i in range(2, n + 1):
    r = r * i
print(r)
`,
    `n = int(input())
r = 0
for i in range(2, n + 1):
    r = r + i
print(r)
`,
  ],
  [
    "prime number",
    `def f(n):
    return n > 1 and all(n % d for d in range(2, int(n ** 0.5) + 1))
`,
    `def f(n):
    return all(x > 0 for x in range(2, n))
`,
  ],
  [
    "sum of digits",
    `n = input()
print(sum(int(c) for c in str(n)))
`,
    `xs = input().split()
print(sum(int(c) for c in xs))
`,
  ],
  [
    "greatest common divisor",
    `import math
print(math.gcd(12, 18))
`,
    `import math
print(math.sqrt(12))
`,
  ],
  [
    "palindrome",
    `def f(s):
    return s == "".join(reversed(s))
`,
    `def f(s):
    return "".join(reversed(s))
`,
  ],
  [
    "matrix multiplication",
    `def f(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]
`,
    `def f(a):
    return [[a[i][j] * 2 for j in range(len(a[0]))] for i in range(len(a))]
`,
  ],
  [
    "queue first in first out",
    `class Q:
    def __init__(self):
        self.items = []
    def put(self, x):
        self.items.append(x)
    def get(self):
        return self.items.pop(0)
`,
    `class S:
    def __init__(self):
        self.items = []
    def get(self):
        return self.items.pop()
`,
  ],
  [
    "decorator wraps a function",
    `def deco(fn):
    def inner(*a, **kw):
        print("calling")
        return fn(*a, **kw)
    return inner
`,
    `def f(*a, **kw):
    print(a, kw)
`,
  ],
  [
    "measure elapsed time",
    `import time
t0 = time.perf_counter()
total = sum(range(10 ** 6))
print(time.perf_counter() - t0)
`,
    `import time
print(time.perf_counter())
`,
  ],
  [
    "context manager",
    `class Opened:
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return False
`,
    `class Opened:
    def close(self):
        return False
`,
  ],
  [
    "generator function",
    `def f(n):
    for i in range(n):
        yield i * i
`,
    `def f(n):
    return [i * i for i in range(n)]
`,
  ],
  [
    "caesar cipher",
    `import string
k = 3
lo = string.ascii_lowercase
t = str.maketrans(lo, lo[k:] + lo[:k])
print("hello".translate(t))
`,
    `t = str.maketrans("abc", "xyz")
print("cab".translate(t))
`,
  ],
  [
    "group items by a key",
    `d = {}
for w in ["dog", "cat", "deer"]:
    d.setdefault(w[0], []).append(w)
print(d)
`,
    `from collections import defaultdict
g = defaultdict(list)
for u, v in [(1, 2), (2, 3)]:
    g[u].append(v)
`,
  ],
  [
    "contains duplicates",
    `def f(a):
    for i in range(len(a)):
        for j in range(i + 1, len(a)):
            if a[i] == a[j]:
                return True
    return False
`,
    `def f(a):
    for i in range(len(a)):
        for j in range(i + 1, len(a)):
            print(a[i] + a[j])
`,
  ],
  [
    "contains duplicates",
    `def f(a):
    return len(set(a)) != len(a)
`,
    `def f(a):
    return len(set(a))
`,
  ],
  [
    "multiplication times table",
    `for i in range(1, 11):
    for j in range(1, 11):
        print(i * j, end=" ")
    print()
`,
    `for i in range(1, 11):
    print(i + 1)
`,
  ],
  [
    "roll a die",
    `import random
print(random.randint(1, 6) + random.randint(1, 6))
`,
    `import random
print(random.randint(1, 100))
`,
  ],
  [
    "coin flip",
    `import random
print(random.choice(["heads", "tails"]))
`,
    `import random
print(random.choice(["red", "blue"]))
`,
  ],
  [
    "random password generator",
    `import random, string
print("".join(random.choice(string.ascii_letters + string.digits) for _ in range(12)))
`,
    `import string
print(string.ascii_letters)
`,
  ],
  [
    "countdown timer",
    `import time
n = 10
while n > 0:
    print(n)
    time.sleep(1)
    n -= 1
`,
    `import time
time.sleep(1)
print("done")
`,
  ],
  [
    "days between two dates",
    `from datetime import date
print((date(2025, 12, 25) - date.today()).days)
`,
    `import time
print(time.time())
`,
  ],
  [
    "calculator",
    `a, op, b = input().split()
a, b = float(a), float(b)
if op == "+": print(a + b)
elif op == "-": print(a - b)
elif op == "*": print(a * b)
elif op == "/": print(a / b)
`,
    `a, b = 3, 4
print(a + b, a - b)
`,
  ],
  [
    "menu driven loop",
    `while True:
    c = input("1) add 2) list 3) quit: ")
    if c == "1":
        print("adding")
    elif c == "2":
        print("listing")
    else:
        break
`,
    `while True:
    c = input("name? ")
    if c:
        break
`,
  ],
  [
    "tic tac toe",
    `b = [[" "] * 3 for _ in range(3)]
def won(b, p):
    return b[0][0] == b[1][1] == b[2][2] == p
b[0][0] = "X"
b[1][1] = "O"
`,
    `b = [[0] * 3 for _ in range(3)]
print(b[0][0])
`,
  ],
  [
    "rock paper scissors",
    `import random
me = input()
cpu = random.choice(["rock", "paper", "scissors"])
print(me, cpu)
`,
    `import random
print(random.choice(["rock", "stone"]))
`,
  ],
  [
    "largest or smallest value by hand",
    `from functools import reduce
print(reduce(lambda a, b: a if a > b else b, [3, 9, 2]))
`,
    `from functools import reduce
print(reduce(lambda a, b: a + b, [3, 9, 2]))
`,
  ],
  [
    "fast exponentiation",
    `def p(x, n):
    if n == 0:
        return 1
    h = p(x, n // 2)
    return h * h if n % 2 == 0 else h * h * x
`,
    `def p(x, n):
    if n == 0:
        return 0
    return p(x, n // 2) + 1
`,
  ],
  [
    "kth smallest or largest",
    `import heapq
xs = [7, 10, 4, 20, 15]
print(heapq.nlargest(3, xs)[-1])
`,
    `import heapq
xs = [7, 10, 4, 20, 15]
print(heapq.nlargest(3, xs))
`,
  ],
  [
    "kth smallest or largest",
    `def f(a, k):
    return sorted(a)[k - 1]
`,
    `def f(a, k):
    return sorted(a)[:k]
`,
  ],
  [
    "two sum pair",
    `def f(a, t):
    for i in range(len(a)):
        for j in range(i + 1, len(a)):
            if a[i] + a[j] == t:
                return [i, j]
    return []
`,
    `def f(a, t):
    for i in range(len(a)):
        for j in range(i + 1, len(a)):
            if a[i] * a[j] > t:
                return [i, j]
    return []
`,
  ],
  [
    "stack push pop",
    `class N:
    def __init__(self, v, nxt):
        self.v, self.nxt = v, nxt
class S:
    def __init__(self):
        self.top = None
    def push(self, v):
        self.top = N(v, self.top)
`,
    `class N:
    def __init__(self, v, nxt):
        self.v, self.nxt = v, nxt
n = N(1, None)
`,
  ],
  [
    "queue first in first out",
    `from collections import deque
line = deque()
line.append("a")
line.append("b")
while line:
    who = line.popleft()
    print(who)
`,
    `from collections import deque
line = deque()
line.append("a")
print(len(line))
`,
  ],
  [
    "reverse a string",
    `def r(s):
    if not s:
        return s
    return r(s[1:]) + s[0]
`,
    `def r(s):
    if not s:
        return 0
    return r(s[1:]) + 1
`,
  ],
  [
    "rotate an array",
    `a = [1, 2, 3, 4, 5]
for _ in range(2):
    a.insert(0, a.pop())
print(a)
`,
    `a = [1, 2, 3, 4, 5]
a.pop()
print(a)
`,
  ],
  [
    "pangram",
    `import string
def f(s):
    return set(string.ascii_lowercase) <= set(s.lower())
`,
    `import string
def f(s):
    return "".join(c for c in s if c in string.ascii_lowercase)
`,
  ],
  [
    "pangram",
    `s = input().lower()
ok = True
for c in "abcdefghijklmnopqrstuvwxyz":
    if c not in s:
        ok = False
print(ok)
`,
    `s = input().lower()
for c in "abcdefghijklmnopqrstuvwxyz":
    print(c.upper())
`,
  ],
  [
    "squares of numbers",
    `out = []
for i in range(1, 11):
    out.append(i ** 2)
print(out)
`,
    `out = []
for i in range(1, 11):
    out.append(i + 2)
print(out)
`,
  ],
];

describe("other shapes of known algorithms, and more everyday programs", () => {
  checkIdiomCases(CASES);
});

describe("two versions of one algorithm read alike", () => {
  const shared = (a: string, b: string) => codeIdioms(a).filter((p) => codeIdioms(b).includes(p));
  const PAIRS: [string, string, string][] = [
    [
      "depth first search",
      `def f(g, v, seen):
    seen.add(v)
    for w in g[v]:
        if w not in seen:
            f(g, w, seen)
`,
      (CASES[0] as IdiomCase)[1],
    ],
    [
      "shortest path dijkstra",
      `import heapq
def f(g, s):
    d = {s: 0}
    h = [(0, s)]
    while h:
        c, v = heapq.heappop(h)
        for w, x in g[v]:
            if c + x < d.get(w, float("inf")):
                d[w] = c + x
                heapq.heappush(h, (c + x, w))
    return d
`,
      (CASES[1] as IdiomCase)[1],
    ],
    ["merge two sorted lists", (CASES[4] as IdiomCase)[1], (CASES[6] as IdiomCase)[1]],
  ];
  PAIRS.push([
    "two sum pair",
    `def f(a, t):
    seen = {}
    for i, x in enumerate(a):
        if t - x in seen:
            return seen[t - x], i
        seen[x] = i
`,
    CASES.find(([w]) => w === "two sum pair")?.[1] as string,
  ]);
  for (const [words, a, b] of PAIRS) {
    it(`${words}: the same phrase for both shapes`, () => {
      expect(shared(a, b).join(" | ")).toContain(words);
    });
  }
});
