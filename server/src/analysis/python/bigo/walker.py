"""Cost walker for one scope (a function body or the module): how many times each
statement runs, what each call costs, how big each value is. Statements are visited in
order so `sizes` reflects what a name holds at that point of the function."""

from __future__ import annotations

import ast

from .cost import EXP, FACT, N, ONE, Cost, power_of_n
from . import patterns as P

TYPE_CHECKING = False  # `typing` is not imported at run time: start-up matters here
if TYPE_CHECKING:
    from .program import FuncInfo, Program

MAX_DEPTH = 60  # statement/expression nesting we follow before giving up on a branch


class Acc:
    """Cost of a piece of code plus the recursive self-calls on its worst path."""

    __slots__ = ("cost", "rec")

    def __init__(self, cost: Cost = ONE, rec: int = 0) -> None:
        self.cost = cost
        self.rec = rec


class Loop:
    __slots__ = ("node", "mult", "counters")

    def __init__(self, node: ast.AST, mult: Cost, counters: set[str] | None = None) -> None:
        self.node = node
        self.mult = mult
        self.counters = counters if counters is not None else set()


class RecSite:
    __slots__ = ("call", "in_loop", "loop_vars")

    def __init__(self, call: ast.Call, in_loop: bool, loop_vars: set[str]) -> None:
        self.call = call
        self.in_loop = in_loop
        self.loop_vars = loop_vars


class Evidence:
    __slots__ = ("line", "cost", "text")

    def __init__(self, line: int, cost: Cost, text: str) -> None:
        self.line = line
        self.cost = cost
        self.text = text


class Scope:
    def __init__(self, program: "Program", func: "FuncInfo | None") -> None:
        self.p = program
        self.func = func
        self.sizes: dict[str, Cost] = {}
        self.kinds: dict[str, str] = {}
        self.loops: list[Loop] = []
        self.rec_sites: list[RecSite] = []
        self.evidence: list[Evidence] = []
        self.space = ONE
        self.space_why: list[Evidence] = []
        self.tags: set[str] = set()
        self.depth = 0
        # Names bound to the items of a collection (`for ch in text`): iterating one is
        # input-sized (rows of a grid), but its methods are per-item work (`ch.lower()`).
        self.elements: set[str] = set()
        self.popped_items: set[str] = set()  # names that hold an item taken off a worklist
        if func is not None:
            for name in func.params:
                self.sizes[name] = N
            memo = P.memo_details(func.node)
            if memo and memo[1]:
                self.kinds[memo[1]] = "dict"  # `if key in memo` is a hash lookup
            if func.cls is not None and func.name == "__init__" and self._has_operations(func):
                for name in sorted(P.capacity_params(func.node, func.params)):
                    self.sizes[name] = ONE
            constant_items = self._constant_items(func.node)
            for name in sorted(P.fixed_shape_params(func.node, func.params, constant_items)):
                self.sizes[name] = ONE
                self.tags.add("fixed-shape")
        self._numeric: set[str] | None = None

    def _has_operations(self, func: "FuncInfo") -> bool:
        """The class has methods besides its constructor: a data structure with operations."""
        return any(f.cls == func.cls and f.name != "__init__" for f in self.p.all_functions)

    def _constant_items(self, fn: ast.AST) -> set[str]:
        """Loop variables that only take items of a constant collection: `for a, b, c in
        LINES` with LINES a module-level literal, `for d in (1, -1)`, `for i in range(8)`."""
        out: set[str] = set()
        stored: dict[str, int] = {}
        for node in ast.walk(fn):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                stored[node.id] = stored.get(node.id, 0) + 1
        local = P.local_names(fn)
        for node in ast.walk(fn):
            if not isinstance(node, (ast.For, ast.comprehension)):
                continue
            it = node.iter
            fixed = isinstance(it, (ast.List, ast.Tuple, ast.Set)) and not P.names_in(it)
            if isinstance(it, ast.Call) and P.call_name(it) == "range":
                fixed = all(P.is_const(a) for a in it.args)
            if isinstance(it, ast.Name) and it.id not in local:
                fixed = self.p.global_sizes.get(it.id) == ONE and it.id not in self.p.functions
            if fixed:
                for name in P.names_in(node.target):
                    if stored.get(name, 0) == 1:
                        out.add(name)
        return out

    def is_numeric(self, node: ast.AST) -> bool:
        """An int-valued expression: a name used in integer arithmetic, or such arithmetic."""
        if self._numeric is None:
            scope = self.func.node if self.func is not None else self.p.tree
            self._numeric = P.numeric_names(scope)
        if isinstance(node, ast.Name):
            return node.id in self._numeric
        return isinstance(node, ast.BinOp) and isinstance(node.op, P.NUMERIC_OPS)

    # ---- helpers -------------------------------------------------------------------
    @property
    def is_module(self) -> bool:
        return self.func is None

    def loop_mult(self) -> Cost:
        total = ONE
        for loop in self.loops:
            total = total * loop.mult
        return total

    def note(self, node: ast.AST, cost: Cost, text: str) -> None:
        if len(self.evidence) < 200:
            self.evidence.append(Evidence(getattr(node, "lineno", 0), cost, text))

    def allocate(self, node: ast.AST, size: Cost, what: str) -> None:
        if size.constant:
            return
        if size > self.space:
            self.space = size
        if len(self.space_why) < 100:
            self.space_why.append(Evidence(getattr(node, "lineno", 0), size, what))

    def src(self, node: ast.AST) -> str:
        try:
            text = ast.unparse(node)
        except Exception:  # unparse can fail on odd trees; the text is only for humans
            return "…"
        return text if len(text) <= 60 else text[:57] + "…"

    # ---- sizes: how large a value is -------------------------------------------------
    def size(self, node: ast.AST | None) -> Cost:
        if node is None or self.depth > MAX_DEPTH or self.p.tick():
            return ONE
        self.depth += 1
        try:
            return self._size(node)
        finally:
            self.depth -= 1

    def _size(self, node: ast.AST) -> Cost:
        if isinstance(node, ast.Constant):
            return ONE
        if isinstance(node, ast.Name):
            if node.id in self.sizes:
                return self.sizes[node.id]
            return self.p.global_size(node.id, inside_function=not self.is_module)
        if isinstance(node, ast.Attribute):
            base = node.value
            if isinstance(base, ast.Name) and base.id in P.MODULE_NAMES_CONSTANT:
                return ONE
            return ONE if self.is_module else N
        if isinstance(node, ast.Subscript):
            return self.size(node.value)
        if isinstance(node, ast.Starred):
            return self.size(node.value)
        if isinstance(node, ast.BinOp):
            return self._size_binop(node)
        if isinstance(node, ast.UnaryOp):
            return self.size(node.operand)
        if isinstance(node, ast.Call):
            return self._size_call(node)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            total = ONE
            for gen in node.generators:
                total = total * self.iterations(gen.iter)
            return total
        if isinstance(node, ast.IfExp):
            return self.size(node.body) | self.size(node.orelse)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            total = ONE
            for elt in node.elts:
                if isinstance(elt, ast.Starred):
                    total = total | self.size(elt.value)
            return total
        return ONE

    def _size_binop(self, node: ast.BinOp) -> Cost:
        left, right = self.size(node.left), self.size(node.right)
        op = node.op
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, ast.Pow):
            k = P.const_value(node.right)
            if k is not None and not left.constant:
                return power_of_n(left.power * k) if not left.growth else left
            return EXP if not right.constant else ONE
        if isinstance(op, ast.LShift):
            return EXP if not right.constant else left
        if isinstance(op, ast.Mod):
            return right if right < left else left
        return left | right

    def _size_call(self, node: ast.Call) -> Cost:
        name = P.call_name(node)
        args = node.args
        arg_sizes = [self.size(a) for a in args]  # once each: nested calls must stay linear
        first = arg_sizes[0] if args else ONE
        if name in ("isqrt", "sqrt"):
            return first.sqrt()
        # the bits or digits of a number: its length is the log of its value
        if name == "bit_length" and isinstance(node.func, ast.Attribute):
            return self.size(node.func.value).log()
        if name in ("bin", "hex", "oct") and args:
            return first.log()
        if name in ("log", "log2", "log10", "log1p") and args:
            return first.log()  # math.log2(n) as a bound: O(log n) values
        if name in ("str", "repr") and len(args) == 1 and self.is_numeric(args[0]):
            return first.log()
        if name == "pow" and len(args) >= 2:
            return EXP if P.is_const(args[0]) and not arg_sizes[1].constant else first
        if name in ("input", "readline", "readlines", "read", "open") or (
            name == "split" and not self.is_module
        ):
            return N
        if name in ("split", "strip") and isinstance(node.func, ast.Attribute):
            return self.size(node.func.value)
        if name == "min" and len(args) >= 2:
            return min(arg_sizes)
        if name in self.p.functions and name not in P.LAZY_BUILTINS:
            # What a user function returns is as large as its input, at most.
            return N if any(not s.constant for s in arg_sizes) else ONE
        total = ONE
        func = node.func
        if isinstance(func, ast.Attribute) and not (
            isinstance(func.value, ast.Name) and func.value.id in P.MODULE_NAMES_CONSTANT
        ):
            total = self.size(func.value)  # a method's result is as large as its receiver
        for s in arg_sizes:
            total = total | s
        return total

    def kind(self, node: ast.AST) -> str | None:
        if isinstance(node, (ast.Dict, ast.DictComp)):
            return "dict"
        if isinstance(node, (ast.Set, ast.SetComp)):
            return "set"
        if isinstance(node, (ast.List, ast.ListComp)):
            return "list"
        if isinstance(node, ast.Call):
            name = P.call_name(node)
            if name in P.DICT_FACTORIES:
                return "dict"
            if name in P.SET_FACTORIES:
                return "set"
            if name in ("list", "sorted"):
                return "list"
        if isinstance(node, ast.Name):
            return self.kinds.get(node.id) or self.p.global_kinds.get(node.id)
        return None

    # ---- iteration counts ---------------------------------------------------------------
    def iterations(self, it: ast.AST) -> Cost:
        """How many times `for _ in it` runs."""
        if isinstance(it, (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.Constant)):
            return self.size(it)
        if isinstance(it, ast.Call):
            name = P.call_name(it)
            args = it.args
            if name == "range":
                bound = ONE
                for a in args[:2]:
                    bound = bound | self.size(a)
                return bound
            if name in ("combinations", "permutations", "product", "combinations_with_replacement"):
                return self._combinatorial(it, name)
            if name in ("items", "keys", "values") and isinstance(it.func, ast.Attribute):
                return self.size(it.func.value)
            if name in self.p.functions:
                return N if any(not self.size(a).constant for a in args) else ONE
            if name in ("map", "filter", "zip") and args:
                # map(f, xs) / filter(f, xs): the function is not the iterable
                data = args[1:] if name != "zip" else args
                total = ONE
                for a in data:
                    total = total | self.iterations(a)
                return total
            if name in ("str", "repr", "bin", "hex", "oct"):
                return self.size(it)  # the characters of a number's text: its digits
            if args:
                lazy = ("enumerate", "reversed", "sorted", "list", "iter", "set", "tuple")
                return self.iterations(args[0]) if name in lazy else self.size(args[0])
            return self.size(it)
        return self.size(it)

    def _combinatorial(self, call: ast.Call, name: str) -> Cost:
        pool = self.size(call.args[0]) if call.args else ONE
        if pool.constant:
            return ONE
        r_node = call.args[1] if len(call.args) > 1 else None
        for kw in call.keywords:
            if kw.arg in ("r", "repeat"):
                r_node = kw.value
        if name == "product":
            if r_node is None:
                total = ONE
                for a in call.args:
                    total = total * self.size(a)
                return total
        if r_node is None:
            return FACT if name == "permutations" else EXP
        k = P.const_value(r_node)
        if k is None:
            return EXP if name != "permutations" else FACT
        return power_of_n(k)

    def _grow(self, name: str, node: ast.AST, by: Cost = ONE) -> None:
        """A container filled inside loops holds as many items as the loops run."""
        grown = self.loop_mult() * by
        if grown.constant:
            return
        self.sizes[name] = self.sizes.get(name, ONE) | grown
        self.allocate(node, grown, f"`{name}` grows inside the loop")
