"""The whole program: its functions and classes, how a call resolves to a definition, and
how a function's own loops combine with its recursion into one cost."""

from __future__ import annotations

import ast
import math

from .cost import EXP, FACT, LOG, N, ONE, Cost, power_of_n
from . import patterns as P
from .walker import Evidence

MAX_CALL_CHAIN = 25
INPUT_CALLS = frozenset({"input", "readline", "readlines", "read", "open", "loads", "load"})


class FuncInfo:
    __slots__ = ("node", "name", "cls", "parent", "params")

    def __init__(self, node: ast.FunctionDef | ast.AsyncFunctionDef, name: str, cls: str | None,
                 parent: "FuncInfo | None", params: list[str]) -> None:
        self.node = node
        self.name = name
        self.cls = cls
        self.parent = parent
        self.params = params

    @property
    def qualname(self) -> str:
        return f"{self.cls}.{self.name}" if self.cls else self.name


class FuncResult:
    __slots__ = ("info", "time", "space", "evidence", "space_why", "tags", "recursion")

    def __init__(self, info: FuncInfo | None, time: Cost, space: Cost,
                 evidence: list[Evidence] | None = None, space_why: list[Evidence] | None = None,
                 tags: set[str] | None = None, recursion: str | None = None) -> None:
        self.info = info
        self.time = time
        self.space = space
        self.evidence = evidence if evidence is not None else []
        self.space_why = space_why if space_why is not None else []
        self.tags = tags if tags is not None else set()
        self.recursion = recursion


def _free_names(tree: ast.Module) -> frozenset[str]:
    """Names read somewhere but bound nowhere in the file (not assigned, imported, defined,
    a parameter or a builtin): the free variables a snippet expects from its caller."""
    import builtins

    bound: set[str] = set(dir(builtins))
    loaded: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return frozenset(loaded - bound)


class Program:
    def __init__(self, tree: ast.Module, budget: int) -> None:
        self.budget = budget
        self.tree = tree
        self.truncated = False
        self.functions: dict[str, list[FuncInfo]] = {}
        self.all_functions: list[FuncInfo] = []
        self.classes: set[str] = set()
        self.global_sizes: dict[str, Cost] = {}
        self.global_kinds: dict[str, str] = {}
        self.results: dict[int, FuncResult] = {}
        self.active: set[int] = set()
        self._collect(tree)
        # A file with no functions is a script: its named data (`nums = [5, 3, 8]`,
        # `n = 10`) stands for the input, as a reader would take it. With functions,
        # module code is a test harness and its literals are fixed.
        self.script_mode = not self.all_functions
        self.free_names = _free_names(tree)
        self._globals(tree)

    def tick(self) -> bool:
        """Spend one unit of the work budget; True once it is gone (hostile input)."""
        self.budget -= 1
        if self.budget < 0:
            self.truncated = True
            return True
        return False

    # ---- definitions ------------------------------------------------------------------------
    def _collect(self, tree: ast.Module) -> None:
        stack: list[tuple[ast.AST, str | None, FuncInfo | None]] = [(tree, None, None)]
        while stack:
            node, cls, parent = stack.pop()
            if self.tick():
                return
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.ClassDef):
                    self.classes.add(child.name)
                    stack.append((child, child.name, parent))
                elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    args = child.args
                    params = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
                    params += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
                    if cls is not None and params and params[0] in ("self", "cls"):
                        params = params[1:]
                    info = FuncInfo(child, child.name, cls, parent, params)
                    self.functions.setdefault(child.name, []).append(info)
                    self.all_functions.append(info)
                    stack.append((child, None, info))
                else:
                    stack.append((child, cls, parent))
        self.all_functions.sort(key=lambda f: f.node.lineno)

    def _globals(self, tree: ast.Module) -> None:
        """Module-level names: literal data is fixed-size; anything read from input is n."""
        stack: list[ast.AST] = list(tree.body)
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if not isinstance(node, ast.Assign):
                stack.extend(c for c in ast.iter_child_nodes(node) if isinstance(c, ast.stmt))
                continue
            from_input = any(
                isinstance(c, ast.Call) and P.call_name(c) in INPUT_CALLS
                for c in ast.walk(node.value)
            ) or "stdin" in P.names_in(node.value) | {
                a.attr for a in ast.walk(node.value) if isinstance(a, ast.Attribute)
            }
            for target in node.targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        sized = from_input or (self.script_mode and is_named_data(node.value))
                        self.global_sizes[name.id] = N if sized else ONE
                        if isinstance(node.value, (ast.Dict, ast.DictComp)):
                            self.global_kinds[name.id] = "dict"
                        elif isinstance(node.value, (ast.Set, ast.SetComp)):
                            self.global_kinds[name.id] = "set"

    def global_size(self, name: str, inside_function: bool) -> Cost:
        if name in self.global_sizes:
            return self.global_sizes[name]
        if name in self.functions or name in self.classes:
            return ONE
        # Inside a function an unknown name is a closure variable or a global filled at
        # run time: assume input-sized. At module level it is a builtin or an import —
        # unless nothing binds it anywhere: then it is a free variable the caller supplies
        # (`for i in range(n): print(i)`), the size of the input.
        return N if inside_function or name in self.free_names else ONE

    def resolve(
        self, call: ast.Call, current: FuncInfo | None, kinds: dict[str, str]
    ) -> FuncInfo | None:
        func = call.func
        if isinstance(func, ast.Name):
            if func.id in self.classes:
                return self._method(func.id, "__init__")
            candidates = self.functions.get(func.id, [])
            scope = current
            while scope is not None:  # innermost enclosing definition wins
                for cand in candidates:
                    if cand.parent is scope:
                        return cand
                scope = scope.parent
            plain = [c for c in candidates if c.cls is None and c.parent is None]
            return plain[0] if plain else None
        if isinstance(func, ast.Attribute):
            recv = func.value
            if isinstance(recv, ast.Name) and recv.id in ("self", "cls") and current is not None:
                owner = current
                while owner is not None and owner.cls is None:
                    owner = owner.parent
                return self._method(owner.cls, func.attr) if owner else None
            constructed = isinstance(recv, ast.Call) and isinstance(recv.func, ast.Name)
            if constructed and recv.func.id in self.classes:
                return self._method(recv.func.id, func.attr)
            if isinstance(recv, ast.Name) and kinds.get(recv.id, "").startswith("instance:"):
                return self._method(kinds[recv.id].split(":", 1)[1], func.attr)
        return None

    def _method(self, cls: str | None, name: str) -> FuncInfo | None:
        for cand in self.functions.get(name, []):
            if cand.cls == cls:
                return cand
        return None

    # ---- analysis ------------------------------------------------------------------------------
    def analyze_function(self, info: FuncInfo) -> FuncResult:
        key = id(info.node)
        if key in self.results:
            return self.results[key]
        if key in self.active:  # mutual recursion: count the cycle once, at its entry
            return FuncResult(info, ONE, ONE)
        if len(self.active) >= MAX_CALL_CHAIN:  # f1 -> f2 -> ... -> f500: stop composing
            self.truncated = True
            return FuncResult(info, ONE, ONE)
        self.active.add(key)
        from .costs import CostWalker  # deferred: costs -> calls -> program

        w = CostWalker(self, info)
        body = w.block(info.node.body)
        time, space, note = combine_recursion(w, info, body.cost, body.rec)
        self.active.discard(key)
        result = FuncResult(info, time, space | w.space, w.evidence, w.space_why, w.tags, note)
        self.results[key] = result
        return result


def is_named_data(value: ast.AST) -> bool:
    """A collection literal or a size-like integer. Strings are left fixed: in scripts they
    are mostly messages, and formatting one is not the algorithm."""
    if isinstance(value, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
        return len(value.keys if isinstance(value, ast.Dict) else value.elts) >= 2
    if isinstance(value, ast.Constant) and type(value.value) is int:
        return value.value >= 2
    return False


def _site_shrink(site, info: FuncInfo, split_locals: set[str]) -> str:
    kinds = set()
    for pos, arg in enumerate(site.call.args):
        param = info.params[pos] if pos < len(info.params) else None
        if isinstance(arg, ast.Name) and arg.id == param:
            continue
        if isinstance(arg, ast.Subscript) and isinstance(arg.slice, ast.Slice):
            bounds = [b for b in (arg.slice.lower, arg.slice.upper) if b is not None]
            # `xs[:mid]` halves; `s[end:]` with `end` a loop variable drops a prefix of any
            # length, which is how exhaustive splitting recursions shrink.
            moving = any(P.names_in(b) & site.loop_vars for b in bounds)
            halves = any(not P.is_const(b) for b in bounds) and not moving
            kinds.add("divide" if halves else "subtract")
        elif P.is_halving(arg) or P.names_in(arg) & split_locals:
            kinds.add("divide")
        elif isinstance(arg, ast.Attribute):
            kinds.add("structural")
        elif isinstance(arg, ast.BinOp) and P.names_in(arg) & set(info.params):
            kinds.add("subtract")
    for kind in ("divide", "subtract", "structural"):
        if kind in kinds:
            return kind
    return "subtract"


def combine_recursion(w, info: FuncInfo, work: Cost, calls: int) -> tuple[Cost, Cost, str | None]:
    """Solve the recurrence: `calls` self-calls per invocation, each on a smaller input,
    plus `work` of its own (loops and other calls)."""
    if not w.rec_sites:
        return work, ONE, None
    split_locals = set()
    for node in ast.walk(info.node):
        if isinstance(node, ast.Assign) and (
            P.is_halving(node.value)
            or (isinstance(node.value, ast.Call) and P.call_name(node.value) in w.p.functions)
        ):
            split_locals |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    split_locals -= set(info.params)
    shrinks = {_site_shrink(site, info, split_locals) for site in w.rec_sites}
    shrink = next((k for k in ("subtract", "divide") if k in shrinks), "structural")
    calls = max(calls, 1)
    memo = P.memo_store(info.node)
    in_loop = [s for s in w.rec_sites if s.in_loop]
    if memo:
        varying = set()
        for site in w.rec_sites:
            for pos, arg in enumerate(site.call.args):
                if pos >= len(info.params):
                    continue
                if not (isinstance(arg, ast.Name) and arg.id == info.params[pos]):
                    varying.add(pos)
        states = power_of_n(max(1, min(3, len(varying))))
        w.tags.add("memoised-recursion")
        return states * work, states, (
            f"memoised recursion ({memo}): about {states.label()} distinct states, "
            f"each doing {work.label()} work"
        )
    if in_loop and shrink != "divide":
        combos = any(
            any(
                isinstance(a, (ast.BinOp, ast.Subscript)) and P.names_in(a) & site.loop_vars
                for a in site.call.args
            )
            for site in in_loop
        )
        w.tags.add("exhaustive-recursion")
        cost = EXP if combos else FACT
        kind = "subsets/combinations" if combos else "permutations"
        why = f"recursive call inside a loop over the remaining choices: {kind} → {cost.label()}"
        return cost, N, why
    if shrink == "structural":
        w.tags.add("structural-recursion")
        return N * work, N, "recursion over the parts of a structure: each part visited once"
    if shrink == "divide":
        depth = LOG
        if calls == 1:
            w.tags.add("halving")
            cost = LOG * work if work.power == 0 and not work.growth else work
            return cost, depth, f"one recursive call on half of the input → {cost.label()}"
        w.tags.add("divide-and-conquer")
        crit = math.log2(calls)
        if work.growth or work.power > crit:
            cost = work
        elif work.power == crit:
            cost = work * LOG
        else:
            cost = power_of_n(crit)
        # Stack depth only; what each level allocates (merge buffers, slices) is already in
        # the walker's space and is freed before the sibling call runs.
        return cost, depth, (
            f"{calls} recursive calls on halves of the input (balanced splits assumed) plus "
            f"{work.label()} work per call (master theorem) → {cost.label()}"
        )
    if calls == 1 and _doubles_result(info, w.rec_sites[0].call):
        w.tags.add("exhaustive-recursion")
        return EXP, EXP, (
            "the result of the recursive call is copied twice per level, so the output "
            "doubles with n → O(2^n)"
        )
    if calls == 1:
        cost = N * work
        w.tags.add("linear-recursion")
        return cost, N, (
            f"one recursive call on an input smaller by a constant → depth O(n), "
            f"{cost.label()} in total"
        )
    w.tags.add("exhaustive-recursion")
    return EXP, N, (
        f"{calls} recursive calls per invocation, each shrinking the input by a constant → O(2^n)"
    )


def _doubles_result(info: FuncInfo, call: ast.Call) -> bool:
    """`prev = f(n - 1)` then `[... for c in prev] + [... for c in prev]`: each level's output
    is built from two copies of the previous one, so it (and the work) doubles."""
    names = set()
    for node in ast.walk(info.node):
        if isinstance(node, ast.Assign) and node.value is call:
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    if not names:
        return False
    uses = 0
    for node in ast.walk(info.node):
        if isinstance(node, ast.comprehension) and P.names_in(node.iter) & names:
            uses += 1
        elif isinstance(node, (ast.For, ast.AsyncFor)) and P.names_in(node.iter) & names:
            uses += 1
    return uses >= 2
