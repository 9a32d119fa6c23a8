"""Measured complexity: run the user's code at growing input sizes and fit its growth.

Runs ONLY inside the sandbox runner (a `tool` job of sandbox_runner.py: bubblewrap, rlimits,
seccomp, no network) — it executes the user's program, so it refuses to start anywhere
else. The program still meets the sandbox's static policy and restricted builtins first.

Steps (see ../README.md, "Measured complexity"):
1. entry point — a free size variable at module level (`for i in range(n)`), a script that
   reads input(), or the root function (or method of a class) that takes arguments;
2. typed inputs for growing n — ints, lists of ints, strings, lists of pairs, n x n
   matrices — chosen from how each parameter is used, with fallbacks when a type fails;
3. work counted deterministically: a trace hook counts line events (loop iterations
   included), and C-level work the hook cannot see (sorted, list.index, `in` on a list,
   slices, str/list concatenation, heapq/bisect…) is added from the operands' sizes
   through a light AST rewrite; peak memory from tracemalloc;
4. sizes grow geometrically until the time budget is nearly spent; the counts are fitted
   against O(1) … O(n^3) (nested least squares: a class is chosen when its own term
   carries the growth at the largest n) and O(2^n) (log-log slope growing with n).

Input: {"code": str, "budget_ms": int?}. Output: {"measured": bool, "reason", "entry",
"time_complexity", "space_complexity", "confidence", "points": [{n, ops, peak_bytes}],
"elapsed_ms"}.
"""

import ast
import math
import sys
import time

CLASSES = ["O(1)", "O(log n)", "O(n)", "O(n log n)", "O(n^2)", "O(n^3)", "O(2^n)"]
DEFAULT_BUDGET_MS = 1500
MAX_POINTS = 14
MAX_COLLECTION = 200_000  # elements of a generated list or string
MAX_INT = 1 << 62
MIN_POINTS = 4

TARGETISH = frozenset(
    "target x val value key item needle elem element goal query q want search sought".split()
)
INT_NAMES = frozenset(
    "n num number count size limit k m total amount steps levels depth width height rows "
    "cols exponent exp power bits capacity".split()
)
STR_NAMES = frozenset(
    "s t text string word sentence pattern pat str1 str2 s1 s2 word1 word2 line chars "
    "haystack phrase name digits expr expression brackets parens".split()
)
MATRIX_NAMES = frozenset(
    "matrix grid board mat adj adjacency graph dist table dp a_matrix b_matrix m1 m2".split()
)
STRLIST_NAMES = frozenset(
    "words strs strings names tokens dictionary word_dict worddict wordlist word_list vocabulary "
    "sentences lines".split()
)
TEXT_NAMES = frozenset("text sentence line phrase paragraph document doc".split())
PAIR_NAMES = frozenset("intervals pairs edges meetings ranges segments points_pairs".split())


class Abort(BaseException):
    """Raised from the trace hook when a run exceeds its share of the budget. A
    BaseException so `except Exception` in user code does not swallow it (the hook keeps
    raising on every line until the frame stack unwinds anyway)."""


class Unmeasurable(Exception):
    pass


# --------------------------------------------------------------------- cost accounting

COUNTER = [0]


def _size(x):
    try:
        return len(x)
    except Exception:
        return 0


def _linear(x):
    return _size(x) if isinstance(x, (list, tuple, str, bytes, bytearray)) or _is_deque(x) else 0


def _is_deque(x):
    return type(x).__name__ == "deque"


def cr_in(container):
    """`x in container`: a scan for lists, tuples, strings and deques; hashing otherwise."""
    COUNTER[0] += _linear(container)
    return container


def cr_slice(value, lo, hi, step):
    out = value[lo:hi:step]
    COUNTER[0] += _linear(out)
    return out


def cr_add(a, b):
    out = a + b
    if isinstance(out, (list, tuple, str, bytes)):
        COUNTER[0] += len(out)
    return out


def cr_iadd(a, b):
    a += b
    if isinstance(b, (list, tuple, str, bytes)):
        COUNTER[0] += len(b)
    return a


def cr_mul(a, b):
    out = a * b
    if isinstance(out, (list, tuple, str, bytes)):
        COUNTER[0] += len(out)
    return out


def _nlogn(k):
    return int(k * math.log2(k)) if k > 1 else k


def _first_size(args):
    return _size(args[0]) if args else 0


def _log_first(args):
    k = _first_size(args)
    return int(math.log2(k)) + 1 if k > 1 else 1


def _build_function_costs():
    import bisect
    import builtins
    import heapq

    linear_arg = lambda args, kw: _first_size(args)  # noqa: E731
    costs = {}
    for name in "sum min max any all list tuple set frozenset dict enumerate reversed".split():
        costs[id(getattr(builtins, name))] = linear_arg
    costs[id(builtins.sorted)] = lambda args, kw: _nlogn(_first_size(args))
    for name in "heappush heappop heappushpop heapreplace".split():
        costs[id(getattr(heapq, name))] = lambda args, kw: _log_first(args)
    costs[id(heapq.heapify)] = linear_arg
    for name in ("nlargest", "nsmallest"):
        costs[id(getattr(heapq, name))] = lambda args, kw: _nlogn(_size(args[1]) if len(args) > 1 else 0)
    for name in "bisect bisect_left bisect_right".split():
        costs[id(getattr(bisect, name))] = lambda args, kw: _log_first(args)
    for name in "insort insort_left insort_right".split():
        costs[id(getattr(bisect, name))] = lambda args, kw: _first_size(args)
    return costs


FUNCTION_COSTS = {}
COSTED_NAMES = frozenset(
    "sum min max any all list tuple set frozenset dict enumerate reversed sorted heappush "
    "heappop heappushpop heapreplace heapify nlargest nsmallest bisect bisect_left "
    "bisect_right insort insort_left insort_right".split()
)
SEQUENCE_METHODS = {
    # receiver-sized scans and copies
    "index": 1, "count": 1, "remove": 1, "copy": 1, "reverse": 1, "find": 1, "rfind": 1,
    "replace": 1, "split": 1, "rsplit": 1, "strip": 1, "lower": 1, "upper": 1,
    "startswith": 0, "endswith": 0, "isdigit": 1, "isalpha": 1, "isalnum": 1,
    "issubset": 1, "issuperset": 1, "isdisjoint": 1, "union": 1, "intersection": 1,
    "difference": 1, "symmetric_difference": 1, "rotate": 1, "splitlines": 1,
    "translate": 1, "encode": 1, "casefold": 1, "swapcase": 1, "title": 1,
}
COSTED_METHODS = frozenset(SEQUENCE_METHODS) | frozenset(
    "sort join extend insert pop update most_common".split()
) | COSTED_NAMES


def _receiver_cost(obj, name, args):
    k = _size(obj)
    if name == "sort":
        return _nlogn(k) if isinstance(obj, list) else 0
    if name == "join":
        return _size(args[0]) if args and isinstance(obj, str) else 0
    if name == "extend" or name == "update":
        return _size(args[0]) if args else 0
    if name == "insert":
        if isinstance(obj, list) and args:
            try:
                return max(0, k - int(args[0]))
            except Exception:
                return k
        return 0
    if name == "pop":
        if isinstance(obj, list) and args:
            try:
                i = int(args[0])
                return 0 if i == -1 or i == k - 1 else max(0, k - (i % k if k else 0))
            except Exception:
                return 0
        return 0
    if name == "most_common":
        return _nlogn(k)
    if isinstance(obj, (set, frozenset, dict)) or type(obj).__name__ == "Counter":
        # hashed containers: only whole-container operations scan
        return k if name in HASHED_SCANS else 0
    if name in SEQUENCE_METHODS:
        return k if SEQUENCE_METHODS[name] else 0
    return 0


HASHED_SCANS = frozenset(
    "copy union intersection difference symmetric_difference issubset issuperset "
    "isdisjoint".split()
)


def cr_call(fn, *args, **kw):
    rule = FUNCTION_COSTS.get(id(fn))
    if rule is not None:
        try:
            COUNTER[0] += rule(args, kw)
        except Exception:
            pass
    return fn(*args, **kw)


def cr_method(obj, name, *args, **kw):
    fn = getattr(obj, name)
    rule = FUNCTION_COSTS.get(id(fn))
    if rule is not None:
        try:
            COUNTER[0] += rule(args, kw)
        except Exception:
            pass
    elif isinstance(obj, (list, tuple, str, bytes, set, frozenset, dict)) or _is_deque(obj) or type(
        obj
    ).__name__ == "Counter":
        COUNTER[0] += _receiver_cost(obj, name, args) or 0
    return fn(*args, **kw)


HELPERS = {
    "__cr_in__": cr_in,
    "__cr_slice__": cr_slice,
    "__cr_add__": cr_add,
    "__cr_iadd__": cr_iadd,
    "__cr_mul__": cr_mul,
    "__cr_call__": cr_call,
    "__cr_method__": cr_method,
}
HELPER_CODES = set()


def _is_number(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float, complex))


class Instrument(ast.NodeTransformer):
    """Makes C-level work visible to the counter. Names starting with __cr_ are refused by
    nothing in user code because the policy forbids dunder-like names only as attributes;
    a program defining __cr_in itself only miscounts its own run."""

    def visit_Compare(self, node):
        self.generic_visit(node)
        comparators = []
        for op, right in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                right = ast.Call(ast.Name("__cr_in__", ast.Load()), [right], [])
            comparators.append(right)
        node.comparators = comparators
        return node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load) and isinstance(node.slice, ast.Slice):
            s = node.slice
            none = ast.Constant(None)
            return ast.Call(
                ast.Name("__cr_slice__", ast.Load()),
                [node.value, s.lower or none, s.upper or none, s.step or none],
                [],
            )
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Add) and not (_is_number(node.left) or _is_number(node.right)):
            return ast.Call(ast.Name("__cr_add__", ast.Load()), [node.left, node.right], [])
        if isinstance(node.op, ast.Mult) and any(
            isinstance(x, (ast.List, ast.ListComp, ast.Tuple))
            or (isinstance(x, ast.Constant) and isinstance(x.value, str))
            for x in (node.left, node.right)
        ):
            return ast.Call(ast.Name("__cr_mul__", ast.Load()), [node.left, node.right], [])
        return node

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Add) and isinstance(node.target, ast.Name) and not _is_number(node.value):
            load = ast.Name(node.target.id, ast.Load())
            call = ast.Call(ast.Name("__cr_iadd__", ast.Load()), [load, node.value], [])
            return ast.Assign([ast.Name(node.target.id, ast.Store())], call)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        f = node.func
        if isinstance(f, ast.Name) and f.id in COSTED_NAMES:
            return ast.Call(ast.Name("__cr_call__", ast.Load()), [f, *node.args], node.keywords)
        if isinstance(f, ast.Attribute) and f.attr in COSTED_METHODS:
            return ast.Call(
                ast.Name("__cr_method__", ast.Load()),
                [f.value, ast.Constant(f.attr), *node.args],
                node.keywords,
            )
        return node


def instrument(tree):
    tree = Instrument().visit(tree)
    ast.fix_missing_locations(tree)
    return tree


# --------------------------------------------------------------------- program shape

BUILTIN_NAMES = None


def _builtin_names():
    import builtins

    return set(dir(builtins))


def _assigned_names(tree):
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                names.add((a.asname or a.name).split(".")[0])
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            pass
    return names


def _is_main_guard(stmt):
    return (
        isinstance(stmt, ast.If)
        and isinstance(stmt.test, ast.Compare)
        and isinstance(stmt.test.left, ast.Name)
        and stmt.test.left.id == "__name__"
    )


def _module_statements(tree):
    """Module code that is not a definition or an import, main guard bodies included."""
    out = []
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
            continue
        if _is_main_guard(stmt):
            out.extend(stmt.body)
        else:
            out.append(stmt)
    return out


def _free_names(tree):
    assigned = _assigned_names(tree)
    builtins_ = _builtin_names()
    free = []
    for stmt in _module_statements(tree):
        for node in ast.walk(stmt):
            if (
                isinstance(node, ast.Name)
                and isinstance(node.ctx, ast.Load)
                and node.id not in assigned
                and node.id not in builtins_
                and not node.id.startswith("__")
                and node.id not in free
            ):
                free.append(node.id)
    return free


def _reads_input(tree):
    for stmt in _module_statements(tree):
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "input":
                return True
    return False


def _called_names(node):
    out = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            if isinstance(sub.func, ast.Name):
                out.add(sub.func.id)
            elif isinstance(sub.func, ast.Attribute):
                out.add(sub.func.attr)
    return out


def _node_count(node):
    return sum(1 for _ in ast.walk(node))


def _params(fn, skip_self):
    a = fn.args
    if a.vararg or a.kwarg:
        pass
    positional = a.posonlyargs + a.args
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    out = []
    for i, (p, d) in enumerate(zip(positional, defaults)):
        if skip_self and i == 0:
            continue
        out.append((p.arg, d is not None))
    required_kwonly = [k.arg for k, d in zip(a.kwonlyargs, a.kw_defaults) if d is None]
    return out, required_kwonly


def _candidates(tree):
    """(kind, qualname, node, owner_class) of functions a caller could grow."""
    funcs = {s.name: s for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    called = set()
    for name, fn in funcs.items():
        called |= {c for c in _called_names(fn) if c != name}
    out = []

    def weight(fn, table):
        seen, stack, total = set(), [fn], 0
        while stack:
            f = stack.pop()
            if id(f) in seen:
                continue
            seen.add(id(f))
            total += _node_count(f)
            for c in _called_names(f):
                if c in table and table[c] is not f:
                    stack.append(table[c])
        return total

    for name, fn in funcs.items():
        params, kwonly = _params(fn, False)
        if isinstance(fn, ast.AsyncFunctionDef) or kwonly or not any(not d for _, d in params):
            continue
        if name in called or name.startswith("test"):
            continue
        out.append((weight(fn, funcs), "function", name, fn, None))
    if not out:
        for cls in (s for s in tree.body if isinstance(s, ast.ClassDef)):
            methods = {s.name: s for s in cls.body if isinstance(s, ast.FunctionDef)}
            init = methods.get("__init__")
            if init is not None:
                p, k = _params(init, True)
                if k or any(not d for _, d in p):
                    continue
            inner_called = set()
            for m in methods.values():
                inner_called |= _called_names(m) - {m.name}
            for name, m in methods.items():
                if name.startswith("_") or name in inner_called:
                    continue
                if any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in m.decorator_list):
                    continue
                params, kwonly = _params(m, True)
                if kwonly or not any(not d for _, d in params):
                    continue
                out.append((weight(m, methods), "method", f"{cls.name}.{name}", m, cls.name))
    out.sort(key=lambda c: -c[0])
    return out


# --------------------------------------------------------------------- type inference

STR_METHODS = frozenset(
    "lower upper split strip lstrip rstrip isalpha isdigit isalnum isspace startswith "
    "endswith replace find rfind islower isupper capitalize title swapcase casefold "
    "encode zfill center ljust rjust partition".split()
)
LIST_METHODS = frozenset("append pop sort extend insert remove reverse clear copy".split())


def _annotation_kind(node):
    """int / str / list / matrix / strlist from an annotation such as List[List[int]]."""
    text = ast.unparse(node).replace("typing.", "").replace(" ", "").lower()
    if text in ("int", "float"):
        return "int"
    if text == "str":
        return "str"
    for outer in ("list[", "sequence[", "tuple[", "iterable["):
        if text.startswith(outer):
            inner = text[len(outer):-1]
            if inner.startswith(("list[", "tuple[", "sequence[")):
                return "pairs" if inner.count(",") >= 1 and inner.startswith("tuple[") else "matrix"
            if inner == "str":
                return "strlist"
            return "list"
    if text in ("list", "tuple"):
        return "list"
    return None


def _infer(name, scope, annotation=None):
    """Score how `name` is used inside `scope`: int, str, list, strlist, pairs or matrix."""
    score = {"int": 0.0, "str": 0.0, "list": 0.0, "pairs": 0.0, "matrix": 0.0, "strlist": 0.0}
    low = name.lower()
    if annotation is not None:
        try:
            kind = _annotation_kind(annotation)
        except Exception:
            kind = None
        if kind:
            score[kind] += 10
    if low in STRLIST_NAMES:
        score["strlist"] += 2
    if low in TARGETISH:
        score["int"] += 3
    if low in INT_NAMES:
        score["int"] += 1.5
    if low in STR_NAMES:
        score["str"] += 1.5
    if low in MATRIX_NAMES:
        score["matrix"] += 1.5
    if low in PAIR_NAMES:
        score["pairs"] += 1.5
    if low.endswith("s") and low not in STR_NAMES and len(low) > 2:
        score["list"] += 0.5
    is_name = lambda n: isinstance(n, ast.Name) and n.id == name  # noqa: E731
    elem_names = set()
    for node in ast.walk(scope):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and node.args and is_name(node.args[0]):
                if f.id == "range":
                    score["int"] += 2
                elif f.id in ("len", "sorted", "enumerate", "reversed", "set", "list", "zip"):
                    score["list"] += 0.6  # strings answer these too
                    score["str"] += 0.5
                elif f.id in ("sum", "max", "min"):
                    score["list"] += 1
                elif f.id in ("int", "float", "abs", "bin", "hex", "str", "math.sqrt"):
                    score["int"] += 1
            if isinstance(f, ast.Name) and f.id == "range":
                for a in node.args:
                    if any(is_name(x) for x in ast.walk(a)):
                        score["int"] += 1
            if isinstance(f, ast.Attribute) and is_name(f.value):
                if f.attr in STR_METHODS:
                    score["str"] += 2
                elif f.attr in LIST_METHODS:
                    score["list"] += 2
            if isinstance(f, ast.Attribute) and f.attr == "join" and node.args and is_name(node.args[0]):
                score["list"] += 1
        elif isinstance(node, ast.Subscript):
            if is_name(node.value):
                if isinstance(node.slice, ast.Slice):
                    score["list"] += 0.5
                    score["str"] += 0.5
                else:
                    score["list"] += 0.6
                    score["str"] += 0.4
            if isinstance(node.value, ast.Subscript) and is_name(node.value.value):
                if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int) and node.slice.value in (0, 1):
                    score["pairs"] += 1.5
                else:
                    score["matrix"] += 2.5
        elif isinstance(node, (ast.For, ast.comprehension)):
            if is_name(node.iter):
                score["list"] += 0.6
                score["str"] += 0.4
                if isinstance(node.target, ast.Tuple):
                    score["pairs"] += 3
                elif isinstance(node.target, ast.Name):
                    elem_names.add(node.target.id)
            if (
                isinstance(node.iter, ast.Call)
                and isinstance(node.iter.func, ast.Name)
                and node.iter.func.id == "enumerate"
                and node.iter.args
                and is_name(node.iter.args[0])
                and isinstance(node.target, ast.Tuple)
                and len(node.target.elts) == 2
                and isinstance(node.target.elts[1], ast.Name)
            ):
                elem_names.add(node.target.elts[1].id)
        elif isinstance(node, ast.BinOp):
            if is_name(node.left) or is_name(node.right):
                if isinstance(node.op, (ast.FloorDiv, ast.Mod, ast.RShift, ast.LShift, ast.BitAnd, ast.BitOr, ast.Pow, ast.Sub, ast.Div, ast.BitXor)):
                    score["int"] += 1
                other = node.right if is_name(node.left) else node.left
                if isinstance(other, ast.Constant) and isinstance(other.value, str):
                    score["str"] += 2
                if isinstance(other, ast.Constant) and isinstance(other.value, int):
                    score["int"] += 0.5
        elif isinstance(node, ast.AugAssign) and is_name(node.target):
            if isinstance(node.op, (ast.FloorDiv, ast.RShift, ast.BitAnd, ast.Sub, ast.Mod)):
                score["int"] += 2
            elif isinstance(node.op, (ast.Mult, ast.Add, ast.LShift)) and _is_number(node.value):
                score["int"] += 1.5  # x *= 2, x += 1: a number
        elif isinstance(node, ast.Compare):
            parts = [node.left, *node.comparators]
            if any(is_name(p) for p in parts):
                for p in parts:
                    if isinstance(p, ast.Constant) and isinstance(p.value, str):
                        score["str"] += 1
                    elif isinstance(p, ast.Constant) and isinstance(p.value, (int, float)) and not isinstance(p.value, bool):
                        score["int"] += 1
                    elif isinstance(p, ast.List):
                        score["list"] += 1
            for op, right in zip(node.ops, node.comparators):
                if isinstance(op, (ast.In, ast.NotIn)) and is_name(right):
                    score["list"] += 0.5
                    score["str"] += 0.5
        elif isinstance(node, ast.While) and is_name(node.test):
            score["int"] += 1
    # elements used as sequences: a list of lists (matrix) or of pairs
    if elem_names:
        for node in ast.walk(scope):
            if isinstance(node, ast.For) and isinstance(node.iter, ast.Name) and node.iter.id in elem_names:
                score["matrix"] += 2
            elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in elem_names:
                if isinstance(node.slice, ast.Constant) and node.slice.value in (0, 1):
                    score["pairs"] += 1
                else:
                    score["matrix"] += 1
            elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) and node.left.id in elem_names:
                for p in node.comparators:
                    if isinstance(p, ast.Constant) and isinstance(p.value, str):
                        score["str"] += 1.5
                        score["list"] -= 0.5
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in elem_names
                and node.func.attr in STR_METHODS
            ):
                score["strlist"] += 2
    return score


def _ranked_types(score):
    order = sorted(score, key=lambda k: -score[k])
    if score[order[0]] <= 0:
        order = ["list", "int", "str", "matrix", "pairs", "strlist"]
    return order


# --------------------------------------------------------------------- inputs


def _ints(n, salt):
    # Seeded pseudo-random values in [1, 2n]: reproducible, unsorted, with some repeats.
    import random

    r = random.Random(1_000_003 * n + salt).random
    m = max(2, 2 * n)
    return [int(r() * m) + 1 for _ in range(n)]


def make_value(kind, n, salt=0, variant=0, text=False):
    if kind == "int":
        return n
    if kind == "list":
        return _ints(n, salt)
    if kind == "str":
        if variant == 1:
            return "a" * n  # the degenerate string: worst case of expand-around-centre scans
        letters = "abcd    " if text else "abcd"
        return "".join(letters[v % len(letters)] for v in _ints(n, salt + 7))
    if kind == "strlist":
        words = []
        for v in _ints(n, salt + 5):
            words.append("".join("abcd"[(v >> (2 * i)) % 4] for i in range(1 + v % 6)))
        return words
    if kind == "pairs":
        if variant == 1:
            # a path 0→1→…→n-1: as edges, everything reaches everything after it — the dense
            # reachability a sparse random graph never shows (closures, path counting)
            return [[i, min(i + 1, n - 1)] for i in range(n)]
        # values in [0, n): usable as vertex numbers as well as interval ends
        vals = [v % n for v in _ints(2 * n, salt + 3)]
        return [[min(a, b), max(a, b)] for a, b in zip(vals[::2], vals[1::2])]
    if kind == "matrix":
        return [_ints(n, salt + r + 11) for r in range(n)]
    raise ValueError(kind)


def _kind_cap(kind):
    return {"int": MAX_INT, "list": MAX_COLLECTION, "strlist": MAX_COLLECTION // 4, "str": MAX_COLLECTION, "pairs": MAX_COLLECTION // 2, "matrix": 450}[kind]


class Plan:
    """How to build the arguments for size n: a kind per parameter and a role."""

    def __init__(self, params, kinds, roles):
        self.params = params
        self.kinds = kinds  # param -> kind
        self.roles = roles  # param -> "grow" | "fixed-absent" | "half" | "second"

    def cap(self):
        caps = [_kind_cap(self.kinds[p]) for p in self.params if self.roles[p] == "grow"]
        return min(caps) if caps else MAX_INT

    def variants(self):
        """Inputs tried at every size (the most work counts): strings also as 'aaa…a', lists
        of pairs also as a path."""
        worst = ("str", "pairs")
        return 2 if any(self.kinds[p] in worst and self.roles[p] == "grow" for p in self.params) else 1

    def args(self, n, variant=0):
        out = []
        for i, p in enumerate(self.params):
            kind, role = self.kinds[p], self.roles[p]
            if role == "grow":
                out.append(make_value(kind, n, salt=i, variant=variant, text=p.lower() in TEXT_NAMES))
            elif role == "absent":
                out.append(-1)
            elif role == "half":
                out.append(max(1, n // 2))
            elif role == "second":
                # another int beside the size: varied but of the same magnitude (gcd, pow)
                out.append(max(1, n - (n * 2654435761 + i) % max(1, n // 2 + 1)))
            else:
                out.append(1)
        return out

    def describe(self):
        parts = []
        for p in self.params:
            kind, role = self.kinds[p], self.roles[p]
            label = {
                "int": "int",
                "list": "list[int]",
                "str": "str",
                "pairs": "list[pair]",
                "matrix": "n x n matrix",
                "strlist": "list[str]",
            }[kind]
            if role == "grow":
                parts.append(f"{p}: {label} of size n" if kind != "int" else f"{p} = n")
            elif role == "absent":
                parts.append(f"{p} = -1")
            elif role == "half":
                parts.append(f"{p} = n // 2")
            elif role == "second":
                parts.append(f"{p} ~ n")
        return ", ".join(parts)


def _plans(params, scope, annotations=None):
    """Argument plans for a function, best guess first, then fallbacks."""
    names = [p for p, has_default in params if not has_default]
    annotations = annotations or {}
    scores = {p: _infer(p, scope, annotations.get(p)) for p in names}
    ranked = {p: _ranked_types(scores[p]) for p in names}
    plans = []

    def roles_for(kinds):
        collections = [p for p in names if kinds[p] != "int"]
        roles = {}
        first_int = True
        for p in names:
            if kinds[p] != "int":
                roles[p] = "grow"
            elif collections:
                low = p.lower()
                if low in TARGETISH:
                    roles[p] = "absent"
                elif low in ("n", "size", "length", "num_nodes", "vertices", "nodes"):
                    roles[p] = "grow"  # the size of the collection beside it (graphs, arrays)
                else:
                    roles[p] = "half"
            else:
                roles[p] = "grow" if first_int else "second"
                first_int = False
        return roles

    first = {p: ranked[p][0] for p in names}
    plans.append(first)
    # fallbacks: each parameter through its other types, one at a time, then uniform kinds
    for p in names:
        for alt in ranked[p][1:4]:
            k = dict(first)
            k[p] = alt
            plans.append(k)
    for uniform in ("list", "int", "str", "matrix"):
        plans.append({p: uniform for p in names})
    seen, out = set(), []
    for kinds in plans:
        key = tuple(kinds[p] for p in names)
        if key in seen:
            continue
        seen.add(key)
        out.append(Plan(names, kinds, roles_for(kinds)))
    return out[:8]


# --------------------------------------------------------------------- running


class NullWriter:
    def write(self, s):
        return len(s)

    def flush(self):
        pass


def _input_sites(tree):
    """Line -> kind for each input() call: int(input()) is the size (later ints are small),
    input().split() a line of n ints, a bare input() a string of length n."""
    sites = {}
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "input":
            kind = "str"
            p = parents.get(node)
            chain = []
            while p is not None and len(chain) < 6:
                chain.append(p)
                p = parents.get(p)
            for q in chain:
                if isinstance(q, ast.Attribute) and q.attr == "split":
                    kind = "list"
                    top = chain[-1] if chain else None
                    for r in chain:
                        if isinstance(r, ast.Assign) and isinstance(r.targets[0], ast.Tuple):
                            kind = f"tuple{len(r.targets[0].elts)}"
                    del top
                    break
                if isinstance(q, ast.Call) and isinstance(q.func, ast.Name) and q.func.id in ("int", "float"):
                    kind = "int"
                    break
            sites[node.lineno] = kind
    return sites


class FakeInput:
    def __init__(self, sites, n):
        self.sites = sites
        self.n = n
        self.calls = 0
        self.ints = 0

    def __call__(self, prompt=""):
        self.calls += 1
        if self.calls > 4 * self.n + 16:
            raise EOFError("EOF when reading a line")
        line = sys._getframe(1).f_lineno
        kind = self.sites.get(line, "int" if self.calls == 1 else "list")
        if kind == "int":
            self.ints += 1
            return str(self.n if self.ints == 1 else 1 + (self.calls * 7919) % max(2, self.n))
        if kind == "list":
            return " ".join(map(str, _ints(self.n, self.calls)))
        if kind.startswith("tuple"):
            k = int(kind[5:])
            # the other numbers vary with n but are not n (gcd(n, n) would stop at once)
            rest = [max(1, self.n - ((self.n * 2654435761 + i) >> 5) % max(1, self.n // 2 + 1)) for i in range(k - 1)]
            return " ".join(map(str, [self.n, *rest]))
        return make_value("str", self.n, self.calls)


def _allowed_modules():
    policy = sys.modules.get("policy")
    runner = sys.modules.get("sandbox_runner")
    allowed = policy.DEFAULT_ALLOWED
    try:
        allowed = runner.parse_config(sys.argv[1:])["allowed"]
    except Exception:
        pass
    return allowed


def _profile():
    runner = sys.modules.get("sandbox_runner")
    try:
        return runner.parse_config(sys.argv[1:]).get("profile", "original")
    except Exception:
        return "original"


def _builtins_for(input_fn):
    """The sandbox's own restricted builtins for the configured policy profile, with
    input() answering from the generated input."""
    guard = sys.modules["guard"]
    try:
        table = guard.make_builtins(_allowed_modules(), _profile())
    except TypeError:  # older runner: make_builtins(allowed, stdin, stdout)
        table = guard.make_builtins(_allowed_modules(), _EmptyStdin(), NullWriter())
    if isinstance(table, dict):
        table = dict(table)
        table["input"] = input_fn
    else:
        table.input = input_fn
    return table


class _EmptyStdin:
    def readline(self):
        return ""


class Runner:
    """Counts line events of user code while `fn` runs; aborts past `cap` events."""

    def __init__(self):
        import tracemalloc

        self.tracemalloc = tracemalloc
        self.skip = {f.__code__ for f in HELPERS.values()} | {
            FakeInput.__call__.__code__,
        }

    def measure(self, fn, cap, deadline=None):
        skip = self.skip
        counter = COUNTER
        counter[0] = 0
        clock = time.perf_counter
        deadline = deadline or clock() + 5.0
        next_check = [4096]

        def local(frame, event, arg):
            if event == "line":
                counter[0] += 1
                if counter[0] > cap:
                    raise Abort()
                if counter[0] > next_check[0]:
                    # wall-clock guard as well: per-line cost varies (deep recursion, big ints)
                    next_check[0] = counter[0] + 4096
                    if clock() > deadline:
                        counter[0] = cap + 1
                        raise Abort()
            return local

        def hook(frame, event, arg):
            if frame.f_code in skip:
                return None
            if counter[0] > cap:
                raise Abort()
            return local

        tm = self.tracemalloc
        tm.start()
        tm.reset_peak()
        base = tm.get_traced_memory()[0]
        error = None
        started = time.perf_counter()
        sys.settrace(hook)
        try:
            fn()
        except Abort:
            error = "budget"
        except RecursionError:
            error = "recursion"
        except MemoryError:
            error = "memory"
        except BaseException as e:  # noqa: BLE001 — user code may raise anything
            error = f"{type(e).__name__}: {e}"[:200]
        finally:
            sys.settrace(None)
        elapsed = time.perf_counter() - started
        peak = max(0, tm.get_traced_memory()[1] - base)
        tm.stop()
        return counter[0], peak, elapsed, error


def _seed_random():
    mod = sys.modules.get("random")
    if mod is not None:
        mod.seed(20261128)


# --------------------------------------------------------------------- fitting


def _g(k, n):
    if k == 0:
        return 1.0
    if k == 1:
        return math.log2(n)
    if k == 2:
        return float(n)
    if k == 3:
        return n * math.log2(n)
    if k == 4:
        return float(n) ** 2
    if k == 5:
        return float(n) ** 3
    raise ValueError(k)


def _nnls(columns, y):
    """Non-negative weighted least squares on relative error, by trying every subset of the
    (at most three) columns — small enough that brute force is exact and simple."""
    m = len(columns)
    best = (float("inf"), [0.0] * m)
    w = [1.0 / max(v, 1.0) for v in y]
    for mask in range(1, 1 << m):
        idx = [i for i in range(m) if mask >> i & 1]
        # normal equations of the weighted problem
        A = [[sum(w[r] ** 2 * columns[i][r] * columns[j][r] for r in range(len(y))) for j in idx] for i in idx]
        b = [sum(w[r] ** 2 * columns[i][r] * y[r] for r in range(len(y))) for i in idx]
        coef = _solve(A, b)
        if coef is None or any(c < 0 for c in coef):
            continue
        full = [0.0] * m
        for i, c in zip(idx, coef):
            full[i] = c
        err = math.sqrt(
            sum((w[r] * (y[r] - sum(full[i] * columns[i][r] for i in range(m)))) ** 2 for r in range(len(y))) / len(y)
        )
        if err < best[0]:
            best = (err, full)
    return best


def _solve(A, b):
    n = len(b)
    M = [row[:] + [b[i]] for i, row in enumerate(A)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(M[r][c]))
        if abs(M[p][c]) < 1e-12:
            return None
        M[c], M[p] = M[p], M[c]
        for r in range(n):
            if r != c:
                f = M[r][c] / M[c][c]
                for k in range(c, n + 1):
                    M[r][k] -= f * M[c][k]
    return [M[i][n] / M[i][i] for i in range(n)]


SHARE = 0.3
RISE = 0.15


def _loglog_slope(pts):
    xs = [math.log(n) for n, _ in pts]
    ys = [math.log(y) for _, y in pts]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx > 0 else 0.0


def fit(points, exponential=True, space=False):
    """Pick the class of `points` [(n, y)]: returns (class, confidence, detail)."""
    pts = sorted((n, max(1.0, float(y))) for n, y in points if n >= 1)
    if len(pts) < 3:
        return None, 0.0, "too few sizes"
    ns = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    if exponential and len(pts) >= 4:
        slopes = []
        for (n0, y0), (n1, y1) in zip(pts[-4:], pts[-3:]):
            if n1 > n0 and n0 > 0:
                slopes.append(math.log(y1 / y0) / math.log(n1 / n0))
        # per-unit growth factor of n between the last sizes
        (na, ya), (nb, yb) = pts[-2], pts[-1]
        base = (yb / ya) ** (1.0 / (nb - na)) if nb > na else 1.0
        (nc, yc) = pts[-3]
        base_before = (ya / yc) ** (1.0 / (na - nc)) if na > nc else 1.0
        steep = slopes and slopes[-1] > 4.2 and slopes[-1] >= slopes[0] * 0.9
        if steep and base > 1.25 and base_before > 1.15:
            return "O(2^n)", min(1.0, 0.6 + (slopes[-1] - 4.2) / 8 + len(pts) / 40), f"growth factor {base:.2f} per unit of n"
    span = ns[-1] / ns[0]
    top = ns[-1]
    # 1. the growth exponent at the top: a log-log regression over the sizes within x16 of
    #    the largest (at least three), where constant overheads weigh least
    top_pts = [p for p in pts if p[0] * 16 >= top]
    if len(top_pts) < 3:
        top_pts = pts[-3:]
    slope = _loglog_slope(top_pts)
    poor_fit = False
    if slope >= 0.8:
        # polynomial classes by the exponent: n log n has slope 1 + 1/ln n (about 1.1-1.25
        # at the sizes reached), n^2 about 2, n^3 about 3; lower-order terms pull it down
        bounds = [(1.07, 2), (1.5, 3), (2.5, 4), (3.6, 5)] if not space else [(1.5, 2), (2.5, 4), (3.6, 5)]
        chosen = bounds[-1][1]
        for bound, k in bounds:
            if slope < bound:
                chosen = k
                break
        edges = [0.8] + [b for b, _ in bounds]
        margin = min(abs(slope - e) for e in edges)
        share = min(1.0, 0.6 + margin * 4)
    else:
        # 2. flat or slowly growing: nested least squares among O(1), O(log n), O(n) — class
        #    k is a + b*g(k-1) + c*g(k), chosen when its own term carries the growth at the
        #    largest n and it fits clearly better than the class below
        errs = {0: _nnls([[1.0 for _ in ns]], ys)[0]}
        shares = {0: 1.0}
        rise = 0.0
        for k in (1, 2):
            cols = [[_g(0, n) for n in ns], [_g(k - 1, n) for n in ns], [_g(k, n) for n in ns]]
            if k - 1 == 0:
                cols = cols[:1] + cols[2:]
            err, coef = _nnls(cols, ys)
            predicted_top = sum(c * col[-1] for c, col in zip(coef, cols))
            errs[k] = err
            shares[k] = coef[-1] * cols[-1][-1] / predicted_top if predicted_top > 0 else 0.0
            if k == 1 and predicted_top > 0:
                # how much of the top count the log term added across the sizes measured
                rise = coef[-1] * (cols[-1][-1] - cols[-1][0]) / predicted_top
        chosen = 0
        for k in (2, 1):
            if shares[k] >= SHARE and errs[k] <= 0.7 * errs[k - 1] + 1e-3:
                chosen = k
                break
            # log n under a large constant (a loop of O(log n) steps after fixed set-up work,
            # e.g. reading input): its share at the top stays small, but over a span of
            # ×1000 or more it still adds a sizeable part and explains the counts far better
            # than a constant does
            if k == 1 and span >= 1000 and rise >= RISE and errs[1] <= 0.5 * errs[0]:
                chosen = 1
                break
        share = shares[chosen]
        if errs[chosen] > 0.25:
            poor_fit = True
    cls = CLASSES[chosen]
    conf = 1.0
    conf *= min(1.0, len(pts) / 7)
    conf *= min(1.0, math.log(span) / math.log(64)) if span > 1 else 0.0
    if chosen > 0:
        conf *= min(1.0, 0.4 + share)
    if poor_fit:
        conf *= 0.4
    return cls, round(conf, 3), f"sizes {ns[0]}..{top}"


# --------------------------------------------------------------------- driver


def _entry_programs(tree, code_obj):
    """Yields (description, plans, call_builder) for the entry point, best first."""
    free = _free_names(tree)
    if free:
        scope = ast.Module(body=_module_statements(tree), type_ignores=[])
        plans = _plans([(name, False) for name in free], scope)
        return "module", plans, free
    if _reads_input(tree):
        return "input", None, None
    cands = _candidates(tree)
    if not cands:
        return None, None, None
    out = []
    for _, kind, qual, node, owner in cands[:3]:
        params, _ = _params(node, kind == "method")
        annotations = {a.arg: a.annotation for a in node.args.posonlyargs + node.args.args if a.annotation}
        out.append(((kind, qual, owner), _plans(params, node, annotations), [p for p, d in params if not d]))
    return "functions", out, None


def measure(code, budget_ms=DEFAULT_BUDGET_MS):
    started = time.perf_counter()
    budget = budget_ms / 1000.0

    def result(measured, reason=None, **extra):
        out = {
            "measured": measured,
            "reason": reason,
            "entry": None,
            "time_complexity": None,
            "space_complexity": None,
            "confidence": 0.0,
            "points": [],
            "elapsed_ms": round((time.perf_counter() - started) * 1000, 1),
        }
        out.update(extra)
        return out

    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        return result(False, f"the code does not parse: {type(e).__name__}")
    policy = sys.modules["policy"]
    try:
        ptree, syntax = policy.parse(code)
        try:
            violations = syntax or policy.check(ptree, code, _allowed_modules(), _profile())
        except TypeError:  # older runner: no profiles
            violations = syntax or policy.check(ptree, code, _allowed_modules())
    except RecursionError:
        return result(False, "the code nests too deeply to check")
    if violations:
        return result(False, "the code uses something the sandbox refuses, so it was not run")
    try:
        # instrument a second parse: inference below reads the program as written
        code_obj = compile(instrument(ast.parse(code)), "<string>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError) as e:
        return result(False, f"the code could not be prepared: {type(e).__name__}")

    FUNCTION_COSTS.update(_build_function_costs())
    sys.setrecursionlimit(12_000)
    runner = Runner()
    real_stdout, real_stderr = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = NullWriter()
    try:
        entry, plans, names = _entry_programs(tree, code_obj)
        if entry is None:
            return result(
                False,
                "no input to grow: no function takes an argument, the script reads no input "
                "and uses no free size variable",
            )
        if entry != "functions":
            return _run_sizes(entry, plans, names, tree, code_obj, runner, started, budget, result)
        first = None
        for entry, plans, names in plans:
            out = _run_sizes(entry, plans, names, tree, code_obj, runner, started, budget, result)
            if out["measured"] or not out["reason"].startswith("no synthesised input"):
                return out
            first = first or out
        return first
    finally:
        sys.stdout, sys.stderr = real_stdout, real_stderr


def _module_globals(input_fn):
    g = dict(HELPERS)
    g.update(__name__="__main__", __doc__=None, __builtins__=_builtins_for(input_fn))
    return g


# Sublinear counts (O(1) or O(log n)) keep growing n up to this span: between 4 and 1792
# log2 n only grows 5.4-fold and a few extra line events can pass for it; at ×16 384 it
# has grown 8-fold while a constant stays put.
SUBLINEAR_SPAN = 16_384
SUBLINEAR_OPS = 50_000


def _sublinear(points):
    """The counts so far grow slower than n^0.5 (and are still cheap to run)."""
    if len(points) < 5 or points[-1]["ops"] > SUBLINEAR_OPS:
        return False
    pts = [(p["n"], max(1.0, float(p["ops"]))) for p in points]
    return _loglog_slope(pts[-4:]) < 0.5


def _run_sizes(entry, plans, names, tree, code_obj, runner, started, budget, result):
    sites = _input_sites(tree) if entry == "input" else {}
    target = None
    label = None
    if entry == "module":
        label = "module code, free variable " + ", ".join(names)
    elif entry == "input":
        label = "module code reading input()"
        plans = [None]
    else:
        kind, qual, owner = entry
        g = dict(HELPERS)
        g.update(__name__="__cr_measure__", __doc__=None, __builtins__=_builtins_for(FakeInput({}, 8)))
        _seed_random()
        count, _, _, error = runner.measure(lambda: exec(code_obj, g), cap=2_000_000, deadline=started + budget)
        if error:
            return result(False, f"loading the program failed ({error})")
        if kind == "function":
            target = g.get(qual)
        else:
            cls = g.get(owner)
            target = (cls, qual.split(".", 1)[1]) if cls is not None else None
        if target is None:
            return result(False, f"entry point {qual} is not defined after loading")

    def call_for(plan, n, variant=0):
        if entry == "module":
            values = plan.args(n, variant)
            fake = FakeInput(sites, n)

            def go():
                g = _module_globals(fake)
                g.update(zip(names, values))
                exec(code_obj, g)

            return go
        if entry == "input":
            fake = FakeInput(sites, n)

            def go():
                exec(code_obj, _module_globals(fake))

            return go
        args = plan.args(n, variant)
        if isinstance(target, tuple):
            cls, method = target
            obj = cls()
            fn = getattr(obj, method)
        else:
            fn = target

        def go():
            out = fn(*args)
            if hasattr(out, "__next__") and hasattr(out, "__iter__"):
                for _ in out:
                    pass

        return go

    # choose the first plan that runs cleanly at two small sizes
    chosen = None
    last_error = None
    attempts = []
    for plan in plans:
        ok = True
        for n in (6, 9):
            _seed_random()
            _, _, _, error = runner.measure(call_for(plan, n), cap=300_000, deadline=started + budget)
            if error and error != "budget":
                ok = False
                last_error = last_error or error
                attempts.append(f"{plan.describe() if plan else 'input'}: {error}")
                break
        if ok:
            chosen = plan
            break
        if time.perf_counter() - started > budget * 0.4:
            break
    if chosen is None and plans != [None]:
        return result(False, f"no synthesised input ran without an error ({last_error})", attempts=attempts[:8])
    if entry not in ("module", "input"):
        label = f"{entry[1]}({chosen.describe()})"
    elif entry == "module":
        label = f"module code, free variable {chosen.describe()}"

    cap_n = chosen.cap() if chosen is not None else MAX_COLLECTION
    n = 4
    factor = 1.5
    points = []
    stop_reason = None
    cost_per_op = 2e-6
    while len(points) < MAX_POINTS and n <= cap_n:
        remaining = budget - (time.perf_counter() - started)
        if remaining <= 0.05:
            stop_reason = "budget"
            break
        op_cap = int(remaining * 0.85 / cost_per_op)
        ops = peak = 0
        elapsed = gen_time = 0.0
        error = None
        for variant in range(chosen.variants() if chosen is not None else 1):
            _seed_random()
            gen_started = time.perf_counter()
            fn = call_for(chosen, n, variant)
            gen_time += time.perf_counter() - gen_started
            v_ops, v_peak, v_elapsed, error = runner.measure(fn, cap=op_cap, deadline=started + budget)
            elapsed += v_elapsed
            if error:
                break
            ops, peak = max(ops, v_ops), max(peak, v_peak)
        if error == "budget":
            stop_reason = "budget"
            break
        if error:
            stop_reason = error
            break
        points.append({"n": n, "ops": ops, "peak_bytes": peak})
        span = n / points[0]["n"]
        sublinear = _sublinear(points)
        enough = (len(points) >= 9 and span >= 100) or (len(points) >= 7 and span >= 400)
        if enough and not (sublinear and span < SUBLINEAR_SPAN):
            break  # enough sizes: more would only spend the budget
        if ops > 50:
            cost_per_op = max(2e-7, min(2e-5, elapsed / ops))
        # predict the next run from the growth so far; stop before the budget runs out
        remaining = budget - (time.perf_counter() - started)
        growth = 1.0
        prev_factor = n / points[-2]["n"] if len(points) >= 2 else 1.5
        if len(points) >= 5 and elapsed + gen_time < remaining / 400:
            factor = 4.0 if entry != "input" else 2.0
        elif len(points) >= 4 and elapsed + gen_time < remaining / 60:
            factor = 2.0
        else:
            factor = 1.5 if len(points) < 4 else 2.0
        if sublinear and len(points) >= 7:
            # flat or slowly growing counts are cheap: large steps to a span of ×10^4, where
            # log n has grown several-fold and a constant has not moved at all
            factor = 8.0
        if len(points) >= 3 and points[-2]["ops"] > 0 and prev_factor > 1:
            slope = math.log(max(1.0, ops) / max(1.0, points[-2]["ops"])) / math.log(prev_factor)
            if slope > 3.5:
                factor = 1.0 + 2.0 / n  # super-cubic growth: step n by 2 to follow an exponential
        if len(points) >= 2 and points[-2]["ops"] > 0 and prev_factor > 1:
            # the last step's growth, extrapolated to the next step's factor
            growth = max(1.0, ops / points[-2]["ops"]) ** (math.log(factor) / math.log(prev_factor))
        predicted = (elapsed + gen_time) * growth
        if predicted > remaining * 0.9 and len(points) >= MIN_POINTS:
            stop_reason = "budget"
            break
        n = max(n + 1, int(round(n * factor)))
    if len(points) < MIN_POINTS:
        why = "it ran out of its time budget" if stop_reason == "budget" else f"it failed ({stop_reason})"
        return result(False, f"too few sizes could be measured: {why}", entry=label, points=points)
    time_cls, conf, detail = fit([(p["n"], p["ops"]) for p in points])
    space_cls, _, _ = fit([(p["n"], p["peak_bytes"] + 1) for p in points], space=True)
    if stop_reason == "budget" and time_cls in ("O(1)", "O(log n)"):
        conf *= 0.5  # growth too fast to reach larger sizes, yet the fit looks flat
    return result(
        True,
        None,
        entry=label,
        time_complexity=time_cls,
        space_complexity=space_cls,
        confidence=round(conf, 3),
        points=points,
        detail=detail,
    )


def run(payload):
    if isinstance(payload, dict) and "fit" in payload:
        # Only the fitter, on given counts: runs no user code, so it may run anywhere.
        points = [(int(n), float(y)) for n, y in payload["fit"]][:64]
        cls, conf, detail = fit(points)
        return {"class": cls, "confidence": conf, "detail": detail}
    if "sandbox_runner" not in sys.modules or "guard" not in sys.modules:
        # This runs the user's program: only inside the sandbox runner's jail.
        return {
            "measured": False,
            "reason": "measurement runs only inside the sandbox",
            "entry": None,
            "time_complexity": None,
            "space_complexity": None,
            "confidence": 0.0,
            "points": [],
            "elapsed_ms": 0.0,
        }
    code = payload.get("code") if isinstance(payload, dict) else None
    if not isinstance(code, str):
        raise ValueError("payload must be {code: str}")
    budget = payload.get("budget_ms", DEFAULT_BUDGET_MS)
    if not isinstance(budget, int) or not 100 <= budget <= 10_000:
        budget = DEFAULT_BUDGET_MS
    return measure(code, budget)
