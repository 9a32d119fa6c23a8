// Programs per complexity class for the static analyser's tests; deliberately different
// from the benchmark set in bench/datasets/complexity so the tests do not train on it.

export const PROGRAMS: Record<string, string[]> = {
  "O(1)": [
    `name = "world"
greeting = "hello " + name
print(greeting.upper())
for _ in range(3):
    print("!")
`,
    `def swap_ends(items):
    if len(items) >= 2:
        items[0], items[-1] = items[-1], items[0]
    return items
`,
    `def bmi(weight_kg, height_m):
    value = weight_kg / (height_m ** 2)
    if value < 18.5:
        return "under"
    return "normal" if value < 25 else "over"
`,
    `class Counter:
    def __init__(self):
        self.count = 0

    def increment(self):
        self.count += 1
        return self.count
`,
    `def parse_date(stamp):
    stamp = stamp.strip()
    return int(stamp[0:4]), int(stamp[5:7]), int(stamp[8:10])
`,
    `ROWS = [(0, 1, 2, 3), (4, 5, 6, 7)]


def full_row(cells):
    for a, b, c, d in ROWS:
        if cells[a] == cells[b] == cells[c] == cells[d] != " ":
            return cells[a]
    return " " in cells
`,
    `OFFSETS = ((1, 0), (-1, 0), (0, 1), (0, -1))


def neighbours(r, c):
    return [(r + dr, c + dc) for dr, dc in OFFSETS]
`,
    `class BoundedQueue:
    def __init__(self, limit):
        self.slots = [0] * limit
        self.limit = limit
        self.start = self.count = 0

    def push(self, item):
        if self.count < self.limit:
            self.slots[(self.start + self.count) % self.limit] = item
            self.count += 1
`,
    `class BucketSet:
    def __init__(self, buckets):
        self.table = [[] for _ in range(buckets)]

    def add(self, key):
        self.table[hash(key) % len(self.table)].append(key)
`,
  ],
  "O(log n)": [
    `def find_threshold(limit, ok):
    lo, hi = 0, limit
    while True:
        if lo >= hi:
            return lo
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + 1
`,
    `def lower_bound(a, x):
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo
`,
    `def bits(n):
    count = 0
    while n:
        count += n & 1
        n >>= 1
    return count
`,
    `def mod_pow(base, exp, mod):
    result = 1
    base %= mod
    while exp > 0:
        if exp & 1:
            result = result * base % mod
        base = base * base % mod
        exp //= 2
    return result
`,
    `def set_bits(mask):
    count = 0
    while mask:
        mask &= mask - 1
        count += 1
    return count
`,
    `def reverse_number(value):
    out = 0
    while value > 0:
        value, digit = divmod(value, 10)
        out = out * 10 + digit
    return out
`,
    `def highest_bits(value):
    seen = []
    for i in range(value.bit_length()):
        if value >> i & 1:
            seen.append(i)
    return seen
`,
    `def digit_product(number):
    product = 1
    for ch in str(number):
        product *= int(ch)
    return product
`,
    `def mod_power(base, exponent, modulus):
    return pow(base, exponent, modulus)
`,
    `import math


def halvings(size):
    steps = []
    for level in range(int(math.log2(size)) + 1):
        steps.append(level)
    return steps
`,
    `def digit_count(value):
    return len(str(value)) if value >= 0 else len(str(-value))
`,
  ],
  "O(n)": [
    `n = int(input())
values = list(map(int, input().split()))
print(sum(v for v in values if v % 2 == 0))
`,
    `def running_max(values):
    out = []
    best = float("-inf")
    for v in values:
        best = max(best, v)
        out.append(best)
    return out
`,
    `def count_vowels(text):
    return sum(1 for ch in text if ch in "aeiou")
`,
    `def first_unique(s):
    counts = {}
    for ch in s:
        counts[ch] = counts.get(ch, 0) + 1
    for i, ch in enumerate(s):
        if counts[ch] == 1:
            return i
    return -1
`,
    `def starts_and_has(word):
    return word[0] == "x" and "y" in word
`,
    `class RunningTotals:
    def __init__(self, values):
        self.totals = [0]
        for v in values:
            self.totals.append(self.totals[-1] + v)

    def between(self, i, j):
        return self.totals[j] - self.totals[i]
`,
  ],
  "O(n log n)": [
    `def median(values):
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid]
`,
    `import heapq

def k_smallest_all(nums):
    heap = list(nums)
    heapq.heapify(heap)
    out = []
    while heap:
        out.append(heapq.heappop(heap))
    return out
`,
    `from collections import deque

def sort_pairs(pairs):
    def msort(xs):
        if len(xs) < 2:
            return xs
        half = len(xs) // 2
        a, b = deque(msort(xs[:half])), deque(msort(xs[half:]))
        merged = []
        while a and b:
            merged.append(a.popleft() if a[0] < b[0] else b.popleft())
        return merged + list(a) + list(b)
    return msort(pairs)
`,
  ],
  "O(n^2)": [
    `scores = [72, 95, 61, 88, 79]
for i in range(len(scores)):
    for j in range(len(scores) - 1 - i):
        if scores[j] > scores[j + 1]:
            scores[j], scores[j + 1] = scores[j + 1], scores[j]
print(scores)
`,
    `def has_duplicate(xs):
    for i in range(len(xs)):
        for j in range(i):
            if xs[i] == xs[j]:
                return True
    return False
`,
    `def unique_in_order(items):
    seen = []
    for x in items:
        if x not in seen:
            seen.append(x)
    return seen
`,
    `def grid_sum(n):
    return sum(i * j for i in range(n) for j in range(n))
`,
  ],
  "O(n^3)": [
    `def cube_count(n):
    total = 0
    for a in range(n):
        for b in range(n):
            for c in range(n):
                total += (a + b + c) % 2
    return total
`,
    `def closure(matrix):
    n = len(matrix)
    for k in range(n):
        for i in range(n):
            for j in range(n):
                matrix[i][j] = matrix[i][j] or (matrix[i][k] and matrix[k][j])
    return matrix
`,
    `def pair_scan(xs):
    def linear(v):
        return sum(1 for x in xs if x < v)
    return [linear(a + b) for a in xs for b in xs]
`,
  ],
  "O(2^n)": [
    `def tilings(n):
    if n == 0:
        return [""]
    shorter = tilings(n - 1)
    return ["|" + t for t in shorter] + ["=" + t for t in shorter]
`,
    `def can_segment(text, dictionary):
    if not text:
        return True
    for cut in range(1, len(text) + 1):
        if text[:cut] in dictionary and can_segment(text[cut:], dictionary):
            return True
    return False
`,
    `def count_paths(n):
    if n <= 0:
        return 1
    return count_paths(n - 1) + count_paths(n - 1)
`,
    `def all_masks(items):
    out = []
    for mask in range(2 ** len(items)):
        out.append(mask)
    return out
`,
    `def subset_count(nums, target, i=0):
    if i == len(nums):
        return int(target == 0)
    return subset_count(nums, target - nums[i], i + 1) + subset_count(nums, target, i + 1)
`,
  ],
  "O(sqrt n)": [
    `def divisors(n):
    out = []
    i = 1
    while i * i <= n:
        if n % i == 0:
            out.append(i)
        i += 1
    return out
`,
  ],
  "O(n!)": [
    `from itertools import permutations

def best_route(cities):
    return min(permutations(cities), key=lambda r: sum(r))
`,
  ],
};
