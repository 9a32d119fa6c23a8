"""Markdown explanation of a static analysis: what the code looks like it does, and which
lines make it as slow (and as large) as it is."""

from __future__ import annotations

from .cost import N, Cost
from .program import FuncResult
from .walker import Evidence

NAMED = [  # (substring of the function name, algorithm name)
    ("binary_search", "Binary search"), ("merge_sort", "Merge sort"), ("mergesort", "Merge sort"),
    ("quick", "Quicksort"), ("heap_sort", "Heap sort"), ("heapsort", "Heap sort"),
    ("bubble", "Bubble sort"), ("insertion", "Insertion sort"), ("selection", "Selection sort"),
    ("floyd", "Floyd–Warshall all-pairs shortest paths"), ("dijkstra", "Dijkstra's shortest paths"),
    ("bfs", "Breadth-first search"), ("dfs", "Depth-first search"),
    ("kadane", "Kadane's algorithm"),
    ("fib", "Fibonacci"), ("hanoi", "Towers of Hanoi"), ("knapsack", "0/1 knapsack"),
    ("gcd", "Euclid's algorithm"), ("permut", "Permutation generation"),
    ("subset", "Subset enumeration"),
    ("power_set", "Power set enumeration"), ("lcs", "Longest common subsequence"),
    ("edit_distance", "Edit distance"), ("matmul", "Matrix multiplication"),
    ("sieve", "Sieve of Eratosthenes"),
]
TAGGED = [  # (tag, description) in order of precedence
    ("memoised-recursion", "Top-down dynamic programming (memoised recursion)"),
    ("exhaustive-recursion", "Exhaustive recursion / backtracking over all choices"),
    ("divide-and-conquer", "Divide and conquer"),
    ("binary-search", "Binary search"),
    ("halving", "Repeated halving (logarithmic search or digit/bit loop)"),
    ("sqrt-loop", "Trial up to the square root"),
    ("heap", "Priority queue (heap)"),
    ("sorting", "Sorting-based approach"),
    ("two-pointers", "Two pointers"),
    ("monotonic-stack", "Monotonic stack"),
    ("structural-recursion", "Recursive traversal of a structure"),
    ("linear-recursion", "Linear recursion"),
    ("hash-lookup", "Hash map / set lookups"),
]


def algorithm_name(dominant: FuncResult, loops_depth: int) -> str:
    name = dominant.info.name.lower() if dominant.info else ""
    for key, label in NAMED:
        if key in name:
            return label
    for tag, label in TAGGED:
        if tag in dominant.tags:
            return label
    if loops_depth >= 3:
        return "Triple nested loops (dynamic programming or brute force over triples)"
    if loops_depth == 2:
        return "Nested loops (pairwise comparison or 2-D table)"
    if loops_depth == 1:
        return "Single linear pass"
    return "Direct computation (no loops over the input)"


def _heaviest_first(ev: Evidence) -> tuple:
    return (-ev.cost.growth, -ev.cost.power, -ev.cost.logs, ev.line)


def _where(res: FuncResult) -> str:
    if res.info is None:
        return "the module-level code"
    return f"`{res.info.qualname}` (line {res.info.node.lineno})"


def suggestions(time: Cost, tags: set[str]) -> list[str]:
    out = []
    if "exhaustive-recursion" in tags:
        out.append("Overlapping subproblems? Cache results with `functools.lru_cache` or a "
                   "bottom-up table to turn exponential work into polynomial.")
    if "linear-membership" in tags:
        out.append("`x in list` inside a loop scans the list each time; a `set` or `dict` makes "
                   "each lookup O(1).")
    if "pop-front" in tags:
        out.append("`list.pop(0)` shifts every element; `collections.deque.popleft()` is O(1).")
    if time.power >= 2 and not time.growth and "sorting" not in tags:
        out.append("Nested loops over the same input: sorting first, a hash map, or two "
                   "pointers often removes one level.")
    if "linear-recursion" in tags:
        out.append("Deep linear recursion can hit Python's recursion limit (about 1000); an "
                   "explicit loop avoids it.")
    if not out:
        out.append("No obvious improvement: the structure already matches the usual bound for "
                   "this kind of problem.")
    return out


def render(time: Cost, space: Cost, dominant: FuncResult, others: list[FuncResult],
           algorithm: str, space_owner: FuncResult, truncated: bool) -> str:
    lines = ["## Algorithm", "", f"{algorithm} — the dominant work is in {_where(dominant)}.", ""]
    lines += ["## Time Complexity", "", f"**{time.label()}**", ""]
    picked = sorted(dominant.evidence, key=_heaviest_first)
    for ev in sorted(picked[:8], key=lambda e: e.line):
        lines.append(f"- Line {ev.line}: {ev.text} → {ev.cost.label()} in total.")
    if dominant.recursion:
        lines.append(f"- Recursion: {dominant.recursion}.")
    if not picked and not dominant.recursion:
        lines.append("- No loop or recursion depends on the input size; every statement runs a "
                     "fixed number of times.")
    rest = [r for r in others if r is not dominant and r.info is not None][:6]
    if rest:
        summary = ", ".join(f"`{r.info.qualname}` {r.time.label()}" for r in rest)
        lines.append(f"- Other functions: {summary}.")
    lines += ["", "## Space Complexity", "", f"**{space.label()}**", ""]
    why = sorted(space_owner.space_why, key=_heaviest_first)
    for ev in sorted(why[:3], key=lambda e: e.line):
        lines.append(f"- Line {ev.line}: {ev.text} ({ev.cost.label()}).")
    if space_owner.recursion and space >= N or (space_owner.recursion and not why):
        lines.append("- The recursion keeps one stack frame per pending call.")
    if space.constant:
        lines.append("- Only a fixed number of scalar variables beyond the input.")
    lines += ["", "## Suggestions", ""]
    lines += [f"- {s}" for s in suggestions(time, dominant.tags)]
    lines.append("")
    note = "Static estimate from the code's structure (loops, recursion, known library calls), " \
           "worst case in the input size n; auxiliary space, input excluded."
    if truncated:
        note += " The code was too large or too deeply nested to analyse completely."
    lines.append(f"_{note}_")
    return "\n".join(lines) + "\n"
