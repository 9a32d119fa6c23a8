"""Syntactic patterns the cost walker relies on: halving updates, memoisation, known
library calls. Pure functions over `ast` nodes, no state."""

from __future__ import annotations

import ast

# Calls whose cost is the length of their (first) argument.
LINEAR_BUILTINS = frozenset(
    "list tuple set frozenset dict sum min max any all Counter deque OrderedDict bytes"
    " bytearray defaultdict".split()
)
# Calls that return a lazy view or a number: O(1) by themselves.
LAZY_BUILTINS = frozenset("range enumerate zip map filter reversed iter len abs int float str"
                          " bool round divmod pow chr ord hash id isinstance print".split())
LOG_MODULE_CALLS = {
    "heappush": "heap push", "heappop": "heap pop", "heappushpop": "heap push-pop",
    "heapreplace": "heap replace", "bisect": "binary search", "bisect_left": "binary search",
    "bisect_right": "binary search",
}
LINEAR_MODULE_CALLS = {"heapify": "heapify", "insort": "sorted insert",
                       "insort_left": "sorted insert", "insort_right": "sorted insert",
                       "deepcopy": "deep copy", "copy": "copy"}
N_LOG_N_MODULE_CALLS = {"nlargest": "partial heap sort", "nsmallest": "partial heap sort"}
# Methods that walk their receiver (or argument for str.join).
LINEAR_METHODS = frozenset(
    "index count remove insert copy extend reverse split rsplit replace lower upper strip"
    " lstrip rstrip find rfind title swapcase splitlines translate".split()
)
CONSTANT_METHODS = frozenset(
    "append add pop get setdefault appendleft popleft discard update_one keys values items"
    " startswith endswith isalpha isdigit isalnum isspace islower isupper".split()
)
MEMO_DECORATORS = frozenset({"lru_cache", "cache", "memoize", "memoized", "cached"})
DICT_FACTORIES = frozenset({"dict", "Counter", "defaultdict", "OrderedDict"})
SET_FACTORIES = frozenset({"set", "frozenset"})
MODULE_NAMES_CONSTANT = frozenset({"math", "sys", "string", "random", "itertools", "functools",
                                   "collections", "heapq", "bisect", "operator", "re", "os"})


def call_name(call: ast.Call) -> str | None:
    """`f(...)` -> "f", `a.b.f(...)` -> "f"."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def names_in(node: ast.AST | None) -> set[str]:
    if node is None:
        return set()
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def is_const(node: ast.AST | None) -> bool:
    if isinstance(node, ast.UnaryOp):
        return is_const(node.operand)
    return isinstance(node, ast.Constant)


def const_value(node: ast.AST | None) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    return None


def is_halving(node: ast.AST) -> bool:
    """True for `x // 2`, `x >> 1`, `x / 10`, `x * 0.5`: the value shrinks by a factor."""
    for sub in ast.walk(node):
        if not isinstance(sub, ast.BinOp):
            continue
        k = const_value(sub.right)
        if isinstance(sub.op, (ast.FloorDiv, ast.Div)) and (k is None or k >= 2):
            return k is not None or not is_const(sub.left)
        if isinstance(sub.op, ast.RShift) and (k is None or k >= 1):
            return True
        if isinstance(sub.op, ast.Mult) and k is not None and 0 < k < 1:
            return True
    return False


def is_doubling(node: ast.AST, var: str) -> bool:
    """`var * 2`, `var << 1`, `2 * var`: the value grows geometrically."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.BinOp) and isinstance(sub.op, (ast.Mult, ast.LShift, ast.Pow)):
            operands = names_in(sub.left) | names_in(sub.right)
            k = const_value(sub.right)
            if k is None:
                k = const_value(sub.left)
            if var in operands and k is not None and k >= 2:
                return True
    return False


def has_modulo_of(node: ast.AST, names: set[str]) -> bool:
    """Euclid-style `a % b` over loop variables shrinks at least by half every two steps."""
    return any(
        isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Mod) and names_in(sub) & names
        for sub in ast.walk(node)
    )


def squares_var(test: ast.AST) -> bool:
    """`i * i <= n` or `i ** 2 < n`: a linear counter against a square bound is sqrt n."""
    for sub in ast.walk(test):
        if isinstance(sub, ast.BinOp):
            if isinstance(sub.op, ast.Mult) and isinstance(sub.left, ast.Name) and isinstance(
                sub.right, ast.Name
            ) and sub.left.id == sub.right.id:
                return True
            if isinstance(sub.op, ast.Pow) and const_value(sub.right) == 2:
                return True
    return False


def terminates(body: list[ast.stmt]) -> bool:
    """A block whose last statement leaves the function (so what follows is an implicit else)."""
    return bool(body) and isinstance(body[-1], (ast.Return, ast.Raise, ast.Continue, ast.Break))


def decorator_names(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    out = set()
    for dec in fn.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        if isinstance(target, ast.Name):
            out.add(target.id)
        elif isinstance(target, ast.Attribute):
            out.add(target.attr)
    return out


def local_names(fn: ast.AST) -> set[str]:
    """Names bound by assignment inside a function (not descending into nested defs)."""
    out: set[str] = set()
    stack = list(ast.iter_child_nodes(fn))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
        stack.extend(ast.iter_child_nodes(node))
    return out


def memo_store(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    found = memo_details(fn)
    return found[0] if found else None


def memo_details(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, str | None] | None:
    """How a recursive function is memoised: a cache decorator, or a dict looked up before
    recursing (`if key in memo: return memo[key]`) that is not rebuilt on every call."""
    if decorator_names(fn) & MEMO_DECORATORS:
        return ("decorator", None)
    local = local_names(fn)
    for node in ast.walk(fn):
        if not isinstance(node, ast.If) or not any(isinstance(s, ast.Return) for s in node.body):
            continue
        for cmp in ast.walk(node.test):
            if isinstance(cmp, ast.Compare) and isinstance(cmp.ops[0], ast.In):
                store = cmp.comparators[0]
                name = store.id if isinstance(store, ast.Name) else None
                outside = isinstance(store, ast.Attribute) or (name and name not in local)
                if outside and _writes_to(fn, ast.unparse(store)):
                    return ("dictionary", name)
    return None


def _writes_to(fn: ast.AST, store: str) -> bool:
    """The cache is filled somewhere in the function (`memo[k] = v`, `seen.add(k)`); a
    lookup table that is only read (`if w in words`) is not memoisation."""
    for node in ast.walk(fn):
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Subscript) and ast.unparse(t.value) == store for t in targets):
                return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("add", "update", "setdefault", "append")
            and ast.unparse(node.func.value) == store
        ):
            return True
    return False


def clears_low_bit(node: ast.AST, var: str) -> bool:
    """`var & (var - 1)`: drops the lowest set bit, so a loop on it runs once per set bit —
    at most the bit length of the number, O(log n)."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitAnd)):
        return False
    for a, b in ((node.left, node.right), (node.right, node.left)):
        if isinstance(a, ast.Name) and a.id == var and is_minus_one_of(b, var):
            return True
    return False


def is_minus_one_of(node: ast.AST, var: str) -> bool:
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Sub)
        and isinstance(node.left, ast.Name)
        and node.left.id == var
        and const_value(node.right) == 1
    )


# Arithmetic that only numbers take part in: a name used with these is an int, so its text
# (`str(n)`, digits) is O(log n) characters long.
NUMERIC_OPS = (ast.Mod, ast.FloorDiv, ast.RShift, ast.LShift, ast.BitAnd, ast.BitOr, ast.BitXor,
               ast.Pow, ast.Sub, ast.Div)
# Uses of a parameter that do not walk it: read-only per-character string methods.
FIXED_SHAPE_METHODS = frozenset(
    "strip lstrip rstrip lower upper startswith endswith isdigit isalpha isalnum".split()
)


def _parents(fn: ast.AST) -> dict[ast.AST, ast.AST]:
    out: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(fn):
        for child in ast.iter_child_nodes(node):
            out[child] = node
    return out


def numeric_names(fn: ast.AST) -> set[str]:
    """Names used as operands of integer arithmetic (`n % 10`, `n >> 1`, `n - 1`) and never
    as a sequence (subscripted, iterated, passed to len)."""
    numeric: set[str] = set()
    sequence: set[str] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.BinOp) and isinstance(node.op, NUMERIC_OPS):
            numeric |= {s.id for s in (node.left, node.right) if isinstance(s, ast.Name)}
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, NUMERIC_OPS):
            if isinstance(node.target, ast.Name):
                numeric.add(node.target.id)
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            sequence.add(node.value.id)
        elif isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.iter, ast.Name):
            sequence.add(node.iter.id)
        elif isinstance(node, ast.Call) and call_name(node) == "len" and node.args:
            if isinstance(node.args[0], ast.Name):
                sequence.add(node.args[0].id)
        elif isinstance(node, ast.Call) and call_name(node) in ("abs", "str", "int") and node.args:
            # a value only ever converted (`str(n)`, `abs(n)`) and used as nothing else
            if isinstance(node.args[0], ast.Name) and isinstance(node.func, ast.Name):
                numeric.add(node.args[0].id)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.attr != "bit_length":
                sequence.add(node.value.id)  # a method of a str or list
    return numeric - sequence


def fixed_shape_params(fn: ast.FunctionDef | ast.AsyncFunctionDef, params: list[str],
                       constant_names: set[str]) -> set[str]:
    """Parameters the function only reads at fixed positions — a record of a known layout
    (`code[0:2]`, `code[2:4]`; `board[a]` with `a` from a constant table of lines) — and
    never walks: not iterated, not passed on, only len(), `in` and per-character string
    methods besides. Their length is a constant of the format, not the input size.
    `constant_names` are names that only ever hold items of a constant collection."""
    parents = _parents(fn)
    out = set()
    for param in params:
        layout = False
        ok = True
        for node in ast.walk(fn):
            if not (isinstance(node, ast.Name) and node.id == param and isinstance(node.ctx, ast.Load)):
                continue
            parent = parents.get(node)
            if isinstance(parent, ast.Subscript) and parent.value is node:
                sl = parent.slice
                if isinstance(sl, ast.Slice):
                    bounds = [b for b in (sl.lower, sl.upper, sl.step) if b is not None]
                    if not all(is_const(b) for b in bounds):
                        ok = False
                    elif any((const_value(b) or 0) >= 2 for b in bounds):
                        layout = True
                elif isinstance(sl, ast.Name) and sl.id in constant_names:
                    layout = True
                elif is_const(sl):
                    layout = layout or (const_value(sl) or 0) >= 2
                else:
                    ok = False
            elif isinstance(parent, ast.Attribute) and parent.attr in FIXED_SHAPE_METHODS:
                ok = ok and isinstance(parents.get(parent), ast.Call)
            elif isinstance(parent, ast.Call) and call_name(parent) == "len" and parent.args == [node]:
                pass
            elif isinstance(parent, ast.Compare) and node in parent.comparators and all(
                isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops
            ):
                pass
            else:
                ok = False
            if not ok:
                break
        if ok and layout:
            out.add(param)
    return out


def capacity_params(fn: ast.FunctionDef | ast.AsyncFunctionDef, params: list[str]) -> set[str]:
    """Constructor parameters used only as a capacity: a repeat count (`[None] * capacity`),
    a range bound (`[[] for _ in range(buckets)]`) or a value kept on `self`. Preallocating
    a structure of that capacity is set-up; the structure's cost is its operations'."""
    parents = _parents(fn)
    out = set()
    for param in params:
        used = False
        ok = True
        for node in ast.walk(fn):
            if not (isinstance(node, ast.Name) and node.id == param and isinstance(node.ctx, ast.Load)):
                continue
            used = True
            parent = parents.get(node)
            if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Mult):
                other = parent.right if parent.left is node else parent.left
                ok = isinstance(other, ast.List)
            elif isinstance(parent, ast.Call) and call_name(parent) == "range":
                ok = node in parent.args
            elif isinstance(parent, ast.Assign) and parent.value is node:
                ok = all(isinstance(t, ast.Attribute) for t in parent.targets)
            else:
                ok = False
            if not ok:
                break
        if used and ok:
            out.add(param)
    return out
