// The everyday exercises a learner saves, recognised from their code's structure alone
// (idioms.ts, EVERYDAY): names here are x, f, g as in a "test2". Each idiom has a program
// that shows it and a near miss that must not — a program of the same kind that does
// something else.
import { describe, expect, it } from "vitest";
import { codeIdioms } from "../../src/search/idioms.js";
import { checkIdiomCases, type IdiomCase } from "./idiom-cases.js";

const CASES: IdiomCase[] = [
  [
    "fizzbuzz",
    `for i in range(1, 101):
    if i % 15 == 0:
        print("FizzBuzz")
    elif i % 3 == 0:
        print("Fizz")
    elif i % 5 == 0:
        print("Buzz")
    else:
        print(i)
`,
    `for i in range(1, 101):
    if i % 2 == 0:
        print(i)
`,
  ],
  [
    "leap year",
    `def f(y):
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
`,
    `def f(y):
    return y % 2 == 0
`,
  ],
  [
    "temperature conversion",
    `c = float(input())
f = c * 9 / 5 + 32
print(f)
`,
    `c = float(input())
print(c * 2 + 1)
`,
  ],
  [
    "decimal to binary",
    `def f(n):
    s = ""
    while n > 0:
        s = str(n % 2) + s
        n //= 2
    return s
`,
    `def f(n):
    s = 0
    while n > 0:
        s += n % 10
        n //= 10
    return s
`,
  ],
  [
    "binary to decimal",
    `def f(b):
    n = 0
    for ch in b:
        n = n * 2 + int(ch)
    return n
`,
    `def f(b):
    n = 0
    for ch in b:
        n = n + int(ch)
    return n
`,
  ],
  [
    "roman numerals",
    `def f(n):
    v = [1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1]
    s = ["M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"]
    out = ""
    for a, b in zip(v, s):
        while n >= a:
            out += b
            n -= a
    return out
`,
    `def f(n):
    s = ["a", "b", "c"]
    return s[n % 3]
`,
  ],
  [
    "caesar cipher",
    `def f(t, k):
    out = ""
    for ch in t:
        out += chr((ord(ch) - ord("a") + k) % 26 + ord("a"))
    return out
`,
    `def f(t):
    return [ord(ch) for ch in t]
`,
  ],
  [
    "least common multiple",
    `import math
def f(a, b):
    return a * b // math.gcd(a, b)
`,
    `import math
def f(a, b):
    return math.gcd(a, b)
`,
  ],
  [
    "armstrong number",
    `def f(n):
    s = str(n)
    return n == sum(int(d) ** len(s) for d in s)
`,
    `def f(n):
    return sum(int(d) for d in str(n))
`,
  ],
  [
    "perfect number",
    `def f(n):
    t = 0
    for i in range(1, n):
        if n % i == 0:
            t += i
    return t == n
`,
    `def f(n):
    t = 0
    for i in range(1, n):
        t += i
    return t == n
`,
  ],
  [
    "collatz",
    `def f(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps
`,
    `def f(n):
    while n != 1:
        n = n // 2
    return n
`,
  ],
  [
    "pascal triangle",
    `def f(n):
    rows = [[1]]
    for _ in range(n - 1):
        r = rows[-1]
        rows.append([1] + [r[j] + r[j + 1] for j in range(len(r) - 1)] + [1])
    return rows
`,
    `def f(n):
    rows = [[1]]
    for _ in range(n - 1):
        rows.append([1] * (len(rows[-1]) + 1))
    return rows
`,
  ],
  [
    "quadratic equation",
    `import math
a, b, c = 1, -3, 2
d = b ** 2 - 4 * a * c
print((-b + math.sqrt(d)) / (2 * a))
`,
    `a, b, c = 1, -3, 2
print(a * b * c)
`,
  ],
  [
    "area and circumference of a circle",
    `import math
r = float(input())
print(math.pi * r ** 2)
`,
    `r = float(input())
print(r ** 2)
`,
  ],
  [
    "average mean",
    `xs = [3, 4, 5]
print(sum(xs) / len(xs))
`,
    `xs = [3, 4, 5]
print(sum(xs))
`,
  ],
  [
    "largest or smallest value by hand",
    `def f(a):
    m = a[0]
    for x in a:
        if x > m:
            m = x
    return m
`,
    `def f(a):
    return max(a)
`,
  ],
  [
    "second largest",
    `def f(a):
    first = second = float("-inf")
    for x in a:
        if x > first:
            first, second = x, first
        elif x > second and x != first:
            second = x
    return second
`,
    `def f(a):
    first = float("-inf")
    for x in a:
        if x > first:
            first = x
    return first
`,
  ],
  [
    "remove duplicates",
    `def f(a):
    out = []
    for x in a:
        if x not in out:
            out.append(x)
    return out
`,
    `def f(a):
    out = []
    for x in a:
        out.append(x * 2)
    return out
`,
  ],
  [
    "flatten nested lists",
    `def f(a):
    out = []
    for x in a:
        if isinstance(x, list):
            out.extend(f(x))
        else:
            out.append(x)
    return out
`,
    `def f(a):
    out = []
    for x in a:
        if isinstance(x, int):
            out.append(x)
    return out
`,
  ],
  [
    "rotate an array",
    `def f(a, k):
    k %= len(a)
    return a[-k:] + a[:-k]
`,
    `def f(a, k):
    return a[:k]
`,
  ],
  [
    "linear search",
    `def f(a, t):
    for i in range(len(a)):
        if a[i] == t:
            return i
    return -1
`,
    `def f(a, t):
    lo, hi = 0, len(a) - 1
    while lo <= hi:
        m = (lo + hi) // 2
        if a[m] == t:
            return m
        if a[m] < t:
            lo = m + 1
        else:
            hi = m - 1
    return -1
`,
  ],
  [
    "run length encoding",
    `def f(s):
    out = ""
    n = 1
    for i in range(1, len(s) + 1):
        if i < len(s) and s[i] == s[i - 1]:
            n += 1
        else:
            out += s[i - 1] + str(n)
            n = 1
    return out
`,
    `def f(s):
    n = 0
    for i in range(1, len(s)):
        if s[i] == s[i - 1]:
            n += 1
    return n
`,
  ],
  [
    "knuth morris pratt",
    `def f(p):
    pi = [0] * len(p)
    k = 0
    for i in range(1, len(p)):
        while k > 0 and p[i] != p[k]:
            k = pi[k - 1]
        if p[i] == p[k]:
            k += 1
        pi[i] = k
    return pi
`,
    `def f(p):
    k = 0
    for i in range(1, len(p)):
        if p[i] == p[k]:
            k += 1
    return k
`,
  ],
  [
    "find a pattern in a text",
    `def f(t, p):
    for i in range(len(t) - len(p) + 1):
        if t[i:i + len(p)] == p:
            return i
    return -1
`,
    `def f(t, p):
    return t[:len(p)]
`,
  ],
  [
    "heapify sift down",
    `def f(a, n, i):
    big = i
    l = 2 * i + 1
    r = 2 * i + 2
    if l < n and a[l] > a[big]:
        big = l
    if r < n and a[r] > a[big]:
        big = r
    if big != i:
        a[i], a[big] = a[big], a[i]
        f(a, n, big)
`,
    `def f(n):
    return [2 * i + 1 for i in range(n)]
`,
  ],
  [
    "heap sort",
    `def g(a):
    n = len(a)
    for i in range(n // 2 - 1, -1, -1):
        f(a, n, i)
    for e in range(n - 1, 0, -1):
        a[0], a[e] = a[e], a[0]
        f(a, e, 0)

def f(a, n, i):
    big = i
    l = 2 * i + 1
    if l < n and a[l] > a[big]:
        big = l
    if big != i:
        a[i], a[big] = a[big], a[i]
        f(a, n, big)
`,
    `def g(a):
    a[0], a[-1] = a[-1], a[0]
    return a
`,
  ],
  [
    "radix sort",
    `def f(a):
    e = 1
    while max(a) // e > 0:
        b = [[] for _ in range(10)]
        for x in a:
            b[x // e % 10].append(x)
        a = [x for q in b for x in q]
        e *= 10
    return a
`,
    `def f(n):
    s = 0
    while n:
        s += n % 10
        n //= 10
    return s
`,
  ],
  [
    "bucket sort",
    `def f(a):
    n = len(a)
    b = [[] for _ in range(n)]
    for x in a:
        b[int(x * n)].append(x)
    out = []
    for q in b:
        out.extend(sorted(q))
    return out
`,
    `def f(n, edges):
    g = [[] for _ in range(n)]
    for u, v in edges:
        g[u].append(v)
    return g
`,
  ],
  [
    "shell sort",
    `def f(a):
    gap = len(a) // 2
    while gap > 0:
        for i in range(gap, len(a)):
            t = a[i]
            j = i
            while j >= gap and a[j - gap] > t:
                a[j] = a[j - gap]
                j -= gap
            a[j] = t
        gap //= 2
    return a
`,
    `def f(a):
    gap = len(a) // 2
    return a[gap]
`,
  ],
  [
    "quickselect",
    `def f(a, k):
    pivot = a[len(a) // 2]
    lo = [x for x in a if x < pivot]
    eq = [x for x in a if x == pivot]
    hi = [x for x in a if x > pivot]
    if k < len(lo):
        return f(lo, k)
    if k < len(lo) + len(eq):
        return pivot
    return f(hi, k - len(lo) - len(eq))
`,
    `def f(a):
    if len(a) <= 1:
        return a
    pivot = a[0]
    return f([x for x in a[1:] if x < pivot]) + [pivot] + f([x for x in a[1:] if x >= pivot])
`,
  ],
  [
    "search a sorted matrix",
    `def f(m, t):
    r, c = 0, len(m[0]) - 1
    while r < len(m) and c >= 0:
        if m[r][c] == t:
            return True
        if m[r][c] > t:
            c -= 1
        else:
            r += 1
    return False
`,
    `def f(m, t):
    for r in range(len(m)):
        for c in range(len(m[0])):
            if m[r][c] == t:
                return True
    return False
`,
  ],
  [
    "spiral order",
    `def f(m):
    out = []
    t, b, l, r = 0, len(m) - 1, 0, len(m[0]) - 1
    while t <= b and l <= r:
        for j in range(l, r + 1):
            out.append(m[t][j])
        t += 1
        for i in range(t, b + 1):
            out.append(m[i][r])
        r -= 1
        if t <= b:
            for j in range(r, l - 1, -1):
                out.append(m[b][j])
            b -= 1
        if l <= r:
            for i in range(b, t - 1, -1):
                out.append(m[i][l])
            l += 1
    return out
`,
    `def f(m):
    out = []
    for row in m:
        for x in row:
            out.append(x)
    return out
`,
  ],
  [
    "sudoku",
    `def ok(g, r, c, v):
    for i in range(9):
        if g[r][i] == v or g[i][c] == v:
            return False
    br, bc = r // 3 * 3, c // 3 * 3
    for i in range(3):
        for j in range(3):
            if g[br + i][bc + j] == v:
                return False
    return True
`,
    `def ok(g, r, c, v):
    for i in range(9):
        if g[r][i] == v:
            return False
    return True
`,
  ],
  [
    "n queens",
    `def f(n):
    cols, d1, d2 = set(), set(), set()
    out = []
    def go(r):
        if r == n:
            out.append(1)
            return
        for c in range(n):
            if c in cols or r - c in d1 or r + c in d2:
                continue
            cols.add(c); d1.add(r - c); d2.add(r + c)
            go(r + 1)
            cols.remove(c); d1.remove(r - c); d2.remove(r + c)
    go(0)
    return len(out)
`,
    `def f(a, t):
    seen = set()
    for x in a:
        if t - x in seen:
            return True
        seen.add(x)
    return False
`,
  ],
  [
    "star pattern",
    `n = 5
for i in range(1, n + 1):
    print(" " * (n - i) + "*" * (2 * i - 1))
`,
    `n = 5
for i in range(1, n + 1):
    print(i * 2)
`,
  ],
  [
    "inorder traversal",
    `def f(t, out):
    if t:
        f(t.left, out)
        out.append(t.val)
        f(t.right, out)
`,
    `def f(t, out):
    if t:
        out.append(t.val)
        f(t.left, out)
        f(t.right, out)
`,
  ],
  [
    "preorder traversal",
    `def f(t, out):
    if t:
        out.append(t.val)
        f(t.left, out)
        f(t.right, out)
`,
    `def f(t, out):
    if t:
        f(t.left, out)
        f(t.right, out)
        out.append(t.val)
`,
  ],
  [
    "postorder traversal",
    `def f(t, out):
    if t:
        f(t.left, out)
        f(t.right, out)
        out.append(t.val)
`,
    `def f(t, out):
    if t:
        f(t.left, out)
        out.append(t.val)
        f(t.right, out)
`,
  ],
  [
    "binary search tree insert",
    `def f(t, k):
    if t is None:
        return N(k)
    if k < t.key:
        t.left = f(t.left, k)
    else:
        t.right = f(t.right, k)
    return t
`,
    `def f(t):
    if t is None:
        return 0
    return 1 + max(f(t.left), f(t.right))
`,
  ],
  [
    "binary search tree lookup",
    `def f(t, k):
    if t is None or t.key == k:
        return t
    if k < t.key:
        return f(t.left, k)
    return f(t.right, k)
`,
    `def f(t):
    if t is None:
        return 0
    return f(t.left) + f(t.right) + 1
`,
  ],
  [
    "two sum complement",
    `def f(a, t):
    d = {}
    for i, x in enumerate(a):
        if t - x in d:
            return d[t - x], i
        d[x] = i
`,
    `def f(a, t):
    d = {}
    for i, x in enumerate(a):
        d[x] = i
    return d
`,
  ],
  [
    "permutations",
    `def f(a):
    if len(a) <= 1:
        return [a[:]]
    out = []
    for i in range(len(a)):
        for p in f(a[:i] + a[i + 1:]):
            out.append([a[i]] + p)
    return out
`,
    `def f(a):
    out = []
    for i in range(len(a)):
        out.append(a[:i] + a[i + 1:])
    return out
`,
  ],
  [
    "count set bits",
    `def f(n):
    c = 0
    while n:
        n &= n - 1
        c += 1
    return c
`,
    `def f(n):
    c = 0
    while n:
        n -= 1
        c += 1
    return c
`,
  ],
  [
    "fibonacci",
    `function f(n) {
  let a = 0, b = 1;
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}
`,
    `function f(n) {
  let a = 0, b = 1;
  for (let i = 0; i < n; i++) [a, b] = [b, a];
  return a;
}
`,
  ],
  [
    "lowest common ancestor",
    `def f(t, p, q):
    if t is None or t is p or t is q:
        return t
    l = f(t.left, p, q)
    r = f(t.right, p, q)
    return t if l and r else l or r
`,
    `def f(t, p, q):
    if t is None:
        return 0
    return f(t.left, p, q) + f(t.right, p, q)
`,
  ],
  [
    "tower of hanoi",
    `def f(n, a, b, c):
    if n == 0:
        return
    f(n - 1, a, c, b)
    print("move", a, "to", b)
    f(n - 1, c, b, a)
`,
    `def f(n, a, b, c):
    if n == 0:
        return
    print(a, b, c)
    f(n - 1, a, b, c)
`,
  ],
  [
    "xor of all values",
    `def f(a):
    r = 0
    for x in a:
        r ^= x
    return r
`,
    `def f(a):
    r = 0
    for x in a:
        r |= x
    return r
`,
  ],
  [
    "majority element",
    `def f(a):
    c, n = None, 0
    for x in a:
        if n == 0:
            c = x
        n += 1 if x == c else -1
    return c
`,
    `def f(a):
    n = 0
    for x in a:
        n += 1
    return n
`,
  ],
  [
    "longest palindromic substring",
    `def f(s):
    best = ""
    for c in range(len(s)):
        for lo, hi in ((c, c), (c, c + 1)):
            while lo >= 0 and hi < len(s) and s[lo] == s[hi]:
                lo, hi = lo - 1, hi + 1
            if hi - lo - 1 > len(best):
                best = s[lo + 1:hi]
    return best
`,
    `def f(s):
    lo, hi = 0, len(s) - 1
    while lo < hi:
        lo, hi = lo + 1, hi - 1
    return s[lo]
`,
  ],
  [
    "intervals overlap",
    `def f(m):
    m.sort()
    return all(m[i][1] <= m[i + 1][0] for i in range(len(m) - 1))
`,
    `def f(m):
    m.sort()
    return [x[0] for x in m]
`,
  ],
  [
    "minimum spanning tree",
    `def f(n, e):
    p = list(range(n))
    def g(x):
        while p[x] != x:
            x = p[x]
        return x
    t = 0
    for w, u, v in sorted(e):
        a, b = g(u), g(v)
        if a != b:
            p[a] = b
            t += w
    return t
`,
    `def f(n, e):
    p = list(range(n))
    def g(x):
        while p[x] != x:
            x = p[x]
        return x
    return len({g(u) for u in range(n)})
`,
  ],
  [
    "circular buffer",
    `class B:
    def __init__(self, n):
        self.d, self.s, self.c = [None] * n, 0, 0
    def push(self, x):
        self.d[(self.s + self.c) % len(self.d)] = x
        if self.c == len(self.d):
            self.s = (self.s + 1) % len(self.d)
        else:
            self.c += 1
`,
    `class B:
    def __init__(self, n):
        self.d = []
    def push(self, x):
        self.d.append(x)
`,
  ],
  [
    "running median",
    `import heapq
class M:
    def __init__(self):
        self.lo, self.hi = [], []
    def add(self, x):
        heapq.heappush(self.lo, -x)
        heapq.heappush(self.hi, -heapq.heappop(self.lo))
        if len(self.hi) > len(self.lo):
            heapq.heappush(self.lo, -heapq.heappop(self.hi))
`,
    `import heapq
class M:
    def __init__(self):
        self.h = []
    def add(self, x):
        heapq.heappush(self.h, x)
        return heapq.heappop(self.h)
`,
  ],
  [
    "integer square root",
    `def f(x):
    lo, hi = 0, x
    while lo <= hi:
        m = (lo + hi) // 2
        if m * m <= x:
            lo = m + 1
        else:
            hi = m - 1
    return hi
`,
    `def f(a, x):
    lo, hi = 0, len(a) - 1
    while lo <= hi:
        m = (lo + hi) // 2
        if a[m] <= x:
            lo = m + 1
        else:
            hi = m - 1
    return hi
`,
  ],
  [
    "number guessing game",
    `import random
n = random.randint(1, 100)
g = None
while g != n:
    g = int(input("guess: "))
    print("higher" if g < n else "lower")
`,
    `import random
print(random.randint(1, 6))
`,
  ],
];

describe("everyday exercises read from their structure", () => {
  checkIdiomCases(CASES);

  it("reports an idiom with two shapes once", () => {
    const code = `def f(a):
    out = []
    for x in a:
        if isinstance(x, list):
            out.extend(f(x))
        else:
            out.append(x)
    return out + [y for x in a for y in x]
`;
    expect(codeIdioms(code).filter((p) => p.startsWith("flatten"))).toHaveLength(1);
  });
});
