"""Statement and expression costs on top of the value model in walker.py."""

from __future__ import annotations

import ast

from .cost import N, ONE, Cost
from . import patterns as P
from .calls import call_cost
from .walker import MAX_DEPTH, Acc, Loop, RecSite, Scope

POP_METHODS = frozenset({"pop", "popleft", "popitem", "remove", "heappop"})
GROW_METHODS = frozenset({"append", "add", "appendleft", "insert", "push", "heappush"})


def _container(call: ast.Call) -> ast.expr | None:
    """The collection a push/pop call acts on: `xs.pop()` -> xs, `heapq.heappop(h)` -> h."""
    name = P.call_name(call)
    if name and name.startswith("heap"):
        return call.args[0] if call.args else None
    return call.func.value if isinstance(call.func, ast.Attribute) else None


class CostWalker(Scope):
    # ---- statements --------------------------------------------------------------------
    def block(self, stmts: list[ast.stmt]) -> Acc:
        cost, rec = ONE, 0
        for i, stmt in enumerate(stmts):
            if self.p.tick():
                break
            if isinstance(stmt, ast.If) and P.terminates(stmt.body):
                # `if base: return` — the rest of the block is the other path, so its
                # recursive calls are alternatives to the branch's, not additions.
                test = self.expr(stmt.test)
                body = self.block(stmt.body)
                rest = self.block(stmt.orelse + stmts[i + 1 :])
                return Acc(
                    cost | test.cost | body.cost | rest.cost,
                    rec + test.rec + max(body.rec, rest.rec),
                )
            acc = self.stmt(stmt)
            cost, rec = cost | acc.cost, rec + acc.rec
        return Acc(cost, rec)

    def stmt(self, node: ast.stmt) -> Acc:
        if self.depth > MAX_DEPTH:
            self.p.truncated = True
            return Acc()
        self.depth += 1
        try:
            return self._stmt(node)
        finally:
            self.depth -= 1

    def _stmt(self, node: ast.stmt) -> Acc:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return Acc()  # analysed on their own
        if isinstance(node, (ast.For, ast.AsyncFor)):
            return self.for_loop(node)
        if isinstance(node, ast.While):
            return self.while_loop(node)
        if isinstance(node, ast.If):
            test, body, orelse = self.expr(node.test), self.block(node.body), self.block(node.orelse)
            return Acc(test.cost | body.cost | orelse.cost, test.rec + max(body.rec, orelse.rec))
        if isinstance(node, ast.Assign):
            acc = self.expr(node.value)
            for target in node.targets:
                acc = self._merge(acc, self.assign(target, node.value))
            return acc
        if isinstance(node, ast.AnnAssign):
            if node.value is None:
                return Acc()
            return self._merge(self.expr(node.value), self.assign(node.target, node.value))
        if isinstance(node, ast.AugAssign):
            return self._merge(self.expr(node.value), self.expr(node.target))
        if isinstance(node, (ast.With, ast.AsyncWith)):
            acc = Acc()
            for item in node.items:
                acc = self._merge(acc, self.expr(item.context_expr))
            return self._merge(acc, self.block(node.body))
        if isinstance(node, ast.Try):
            acc = self._merge(self.block(node.body), self.block(node.orelse))
            for handler in node.handlers:
                acc = Acc(acc.cost | self.block(handler.body).cost, acc.rec)
            return self._merge(acc, self.block(node.finalbody))
        if isinstance(node, ast.Match):
            acc = self.expr(node.subject)
            best = Acc()
            for case in node.cases:
                b = self.block(case.body)
                best = Acc(best.cost | b.cost, max(best.rec, b.rec))
            return self._merge(acc, best)
        acc = Acc()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                acc = self._merge(acc, self.expr(child))
        return acc

    @staticmethod
    def _merge(a: Acc, b: Acc) -> Acc:
        return Acc(a.cost | b.cost, a.rec + b.rec)

    def assign(self, target: ast.expr, value: ast.expr) -> Acc:
        if isinstance(value, ast.Call) and P.call_name(value) in POP_METHODS:
            self.popped_items |= P.names_in(target)
        if isinstance(target, ast.Name):
            self.sizes[target.id] = self.size(value)
            self.elements.discard(target.id)
            kind = self.kind(value)
            if kind:
                self.kinds[target.id] = kind
            elif isinstance(value, ast.Call) and P.call_name(value) in self.p.classes:
                self.kinds[target.id] = f"instance:{P.call_name(value)}"
            else:
                self.kinds.pop(target.id, None)
            return Acc()
        if isinstance(target, (ast.Tuple, ast.List)):
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) else None
            for i, elt in enumerate(target.elts):
                if values is not None and len(values) == len(target.elts):
                    self.assign(elt, values[i])
                elif isinstance(elt, ast.Name):
                    self.sizes[elt.id] = self.size(value)
            return Acc()
        if isinstance(target, ast.Subscript):
            acc = self.expr(target.slice)
            base = target.value
            if isinstance(base, ast.Name) and self.kind(base) == "dict":
                self._grow(base.id, target)
            return acc
        return Acc()

    def _grow(self, name: str, node: ast.AST, by: Cost = ONE) -> None:
        """A container filled inside loops holds as many items as the loops run."""
        grown = self.loop_mult() * by
        if grown.constant:
            return
        self.sizes[name] = self.sizes.get(name, ONE) | grown
        self.allocate(node, grown, f"`{name}` grows inside the loop")

    def bind_loop_target(self, target: ast.expr, it: ast.expr, iters: Cost) -> None:
        names = [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
        if isinstance(it, (ast.Tuple, ast.List, ast.Set)):
            elem = ONE
            for name in sorted(P.names_in(it)):
                elem = elem | self.size(ast.Name(id=name, ctx=ast.Load()))
        elif isinstance(it, ast.Call) and P.call_name(it) == "range":
            elem = iters
        else:
            elem = self.size(it) if not isinstance(it, ast.Constant) else ONE
            if isinstance(it, ast.Call) and P.call_name(it) == "enumerate":
                elem = iters
        is_item = not (isinstance(it, ast.Call) and P.call_name(it) == "range")
        for name in names:
            self.sizes[name] = elem
            self.kinds.pop(name, None)
            if is_item:
                self.elements.add(name)
            else:
                self.elements.discard(name)

    # ---- loops ----------------------------------------------------------------------------
    def for_loop(self, node: ast.For | ast.AsyncFor) -> Acc:
        header = self.expr(node.iter)
        iters = self.iterations(node.iter)
        if self._adjacency_of_popped(node.iter):
            # `for v in graph[u]` where u came off a worklist: over the whole traversal
            # every edge is seen once, so it adds to the worklist loop instead of multiplying.
            self.tags.add("graph-traversal")
            iters = ONE
        self.bind_loop_target(node.target, node.iter, iters)
        self.loops.append(Loop(node, iters, P.names_in(node.target)))
        self._presize(node)
        body = self.block(node.body)
        self.loops.pop()
        orelse = self.block(node.orelse)
        rec = body.rec
        if isinstance(node.iter, (ast.Tuple, ast.List)):
            rec *= max(1, len(node.iter.elts))
        if not iters.constant:
            total = self.loop_mult() * iters
            where = " (nested)" if not self.loop_mult().constant else ""
            self.note(
                node,
                total,
                f"loop `for {self.src(node.target)} in {self.src(node.iter)}`{where} "
                f"runs {iters.label()} times",
            )
        return Acc(header.cost | iters * body.cost | orelse.cost, header.rec + rec + orelse.rec)

    def while_loop(self, node: ast.While) -> Acc:
        test = self.expr(node.test)
        iters, why, counters = self.while_iterations(node)
        frame = Loop(node, iters, counters)
        self.loops.append(frame)
        self._presize(node)
        body = self.block(node.body)
        self.loops.pop()
        orelse = self.block(node.orelse)
        if not iters.constant:
            total = self.loop_mult() * iters
            self.note(node, total, f"loop `while {self.src(node.test)}` {why}")
        return Acc(test.cost | iters * (body.cost | test.cost) | orelse.cost,
                   test.rec + body.rec + orelse.rec)

    def _adjacency_of_popped(self, it: ast.expr) -> bool:
        if isinstance(it, ast.Call) and P.call_name(it) in ("items", "keys", "values", "enumerate"):
            it = it.func.value if isinstance(it.func, ast.Attribute) else (it.args[0] if it.args else it)
        return (
            isinstance(it, ast.Subscript)
            and not isinstance(it.slice, ast.Slice)
            and bool(P.names_in(it.slice) & self.popped_items)
            and any(isinstance(loop.node, ast.While) for loop in self.loops)
        )

    def _presize(self, loop: ast.AST) -> None:
        """Containers the body fills are already that large on later iterations."""
        grown = self.loop_mult()
        if grown.constant:
            return
        for name in sorted(self._appended_in(loop)):
            if name in self.sizes or not self.is_module:
                self.sizes[name] = self.sizes.get(name, ONE) | grown

    def while_iterations(self, node: ast.While) -> tuple[Cost, str, set[str]]:
        test = node.test
        if isinstance(test, ast.Constant):
            if not test.value:
                return ONE, "never runs", set()
            # No bound in the condition: judge by how the body moves its variables
            # (`while True` binary search halves, a reader loop advances by one).
            stored = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            kind, updated, _ = self.classify_updates(node, stored)
            if kind == "log":
                bound = ONE
                for name in sorted(updated):
                    bound = bound | self.size(ast.Name(id=name, ctx=ast.Load()))
                self.tags.add("halving")
                return (bound | N).log(), "halves its range on every pass (exits by return/break)", updated
            return N, "has no bound in its condition (exits by break); assumed O(n)", set()
        cond = P.names_in(test)
        kind, updated, popped = self.classify_updates(node, cond)
        bound = self.test_size(test)
        if bound.constant and updated & self._appended_in(node):
            bound = N  # a worklist that the body itself refills
        enclosing = self.loops[-1] if self.loops else None
        if enclosing is not None and updated and kind != "log":
            shared = isinstance(enclosing.node, ast.While) and updated <= enclosing.counters
            refilled = popped and updated <= popped and updated <= self._appended_in(enclosing.node)
            if shared or refilled:
                self.tags.add("two-pointers" if shared else "monotonic-stack")
                return ONE, "", updated
        if kind == "log":
            self.tags.add("halving")
            return bound.log(), f"shrinks/grows its bound geometrically → {bound.log().label()} iterations", updated
        if kind == "linear" and P.squares_var(test):
            self.tags.add("sqrt-loop")
            return bound.sqrt(), f"stops at the square root of its bound → {bound.sqrt().label()}", updated
        if len(updated) >= 2 and kind == "linear":
            self.tags.add("two-pointers")
        what = "moves its counter by a constant step" if kind == "linear" else "runs"
        return bound, f"{what} → {bound.label()} iterations", updated

    def test_size(self, test: ast.expr) -> Cost:
        total = ONE
        for sub in ast.walk(test):
            if isinstance(sub, (ast.Name, ast.Call, ast.Attribute, ast.Subscript)):
                total = total | self.size(sub)
        return total

    def classify_updates(self, node: ast.While, cond: set[str]) -> tuple[str, set[str], set[str]]:
        mids = set()
        body_nodes = [n for stmt in node.body for n in ast.walk(stmt)]
        for sub in body_nodes:
            if isinstance(sub, ast.Assign) and P.is_halving(sub.value):
                mids |= {t.id for t in sub.targets if isinstance(t, ast.Name)}
        kind, updated, popped = "none", set(), set()

        def mark(var: str, log: bool) -> None:
            nonlocal kind
            updated.add(var)
            if log:
                kind = "log"
            elif kind == "none":
                kind = "linear"

        for sub in body_nodes:
            if isinstance(sub, ast.AugAssign) and isinstance(sub.target, ast.Name):
                if sub.target.id in cond:
                    geometric = isinstance(sub.op, (ast.FloorDiv, ast.Div, ast.RShift, ast.Mult, ast.LShift))
                    k = P.const_value(sub.value)
                    mark(sub.target.id, geometric and (k is None or k >= 2 or isinstance(sub.op, (ast.RShift, ast.LShift))))
            elif isinstance(sub, ast.Assign):
                for target, value in self._pairs(sub):
                    if target in cond:
                        log = (P.is_halving(value) or bool(P.names_in(value) & mids)
                               or P.has_modulo_of(value, cond) or P.is_doubling(value, target))
                        mark(target, log)
            elif isinstance(sub, ast.Call) and P.call_name(sub) in POP_METHODS:
                receiver = _container(sub)
                if isinstance(receiver, ast.Name) and receiver.id in cond:
                    mark(receiver.id, False)
                    popped.add(receiver.id)
        return kind, updated, popped

    @staticmethod
    def _pairs(node: ast.Assign) -> list[tuple[str, ast.expr]]:
        out = []
        for target in node.targets:
            if isinstance(target, ast.Name):
                out.append((target.id, node.value))
            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple) and len(
                target.elts
            ) == len(node.value.elts):
                out.extend(
                    (t.id, v) for t, v in zip(target.elts, node.value.elts) if isinstance(t, ast.Name)
                )
        return out

    @staticmethod
    def _appended_in(node: ast.AST) -> set[str]:
        out = set()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call) and P.call_name(sub) in GROW_METHODS | {"extend"}:
                recv = _container(sub)
                if isinstance(recv, ast.Name):
                    out.add(recv.id)
        return out

    # ---- expressions -------------------------------------------------------------------------
    def expr(self, node: ast.AST | None) -> Acc:
        if node is None or self.p.tick():
            return Acc()
        if self.depth > MAX_DEPTH:
            self.p.truncated = True
            return Acc()
        self.depth += 1
        try:
            return self._expr(node)
        finally:
            self.depth -= 1

    def _expr(self, node: ast.AST) -> Acc:
        if isinstance(node, ast.Call):
            return call_cost(self, node)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            return self.comprehension(node)
        if isinstance(node, ast.Lambda):
            return Acc()
        if isinstance(node, ast.IfExp):
            test, a, b = self.expr(node.test), self.expr(node.body), self.expr(node.orelse)
            return Acc(test.cost | a.cost | b.cost, test.rec + max(a.rec, b.rec))
        acc = self._children(node)
        if isinstance(node, ast.Compare):
            for op, comp in zip(node.ops, node.comparators):
                if isinstance(op, (ast.In, ast.NotIn)):
                    acc = Acc(acc.cost | self.membership(comp), acc.rec)
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            if self._copies(node.slice):
                copy = self.size(node.value)
                acc = Acc(acc.cost | copy, acc.rec)
                self.allocate(node, copy, f"slice `{self.src(node)}` copies")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult)):
            if self._is_sequence(node.left) or self._is_sequence(node.right):
                built = self.size(node)
                acc = Acc(acc.cost | built, acc.rec)
                self.allocate(node, built, f"`{self.src(node)}` builds a sequence")
        return acc

    def _children(self, node: ast.AST) -> Acc:
        acc = Acc()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                acc = self._merge(acc, self.expr(child))
        return acc

    @staticmethod
    def _copies(sl: ast.Slice) -> bool:
        """`x[1:]`, `x[:k]`, `x[:]` copy O(len) items; `x[0:2]`, `x[:3]`, `x[-2:]` a fixed few."""
        lower_fixed = sl.lower is None or P.is_const(sl.lower)
        if sl.upper is not None and P.is_const(sl.upper):
            return not lower_fixed
        if sl.upper is None and isinstance(sl.lower, ast.UnaryOp) and P.is_const(sl.lower):
            return False
        return True

    def _is_sequence(self, node: ast.AST) -> bool:
        if isinstance(node, (ast.List, ast.ListComp)):
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return False  # "x" + s: strings are immutable; counted where they grow
        return self.kind(node) == "list"

    def membership(self, container: ast.AST) -> Cost:
        if isinstance(container, (ast.Constant, ast.Tuple, ast.Set, ast.List, ast.Dict)):
            return ONE
        if isinstance(container, ast.Call) and P.call_name(container) in ("range", "keys", "set", "dict"):
            return ONE
        kind = self.kind(container)
        if kind in ("dict", "set") or (kind or "").startswith("instance"):
            self.tags.add("hash-lookup")
            return ONE
        size = self.size(container)
        if not size.constant:
            self.tags.add("linear-membership")
            self.note(container, self.loop_mult() * size,
                      f"`in {self.src(container)}` scans a sequence ({size.label()})")
        return size

    def comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> Acc:
        cost, rec, mult = ONE, 0, ONE
        pushed = 0
        for gen in node.generators:
            head = self.expr(gen.iter)
            cost, rec = cost | mult * head.cost, rec + head.rec
            iters = self.iterations(gen.iter)
            self.bind_loop_target(gen.target, gen.iter, iters)
            self.loops.append(Loop(node, iters, P.names_in(gen.target)))
            pushed += 1
            mult = mult * iters
            for cond in gen.ifs:
                c = self.expr(cond)
                cost, rec = cost | mult * c.cost, rec + c.rec
        elts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        elt_size = ONE
        for elt in elts:
            e = self.expr(elt)
            cost, rec = cost | mult * e.cost, rec + e.rec
            if isinstance(elt, (ast.List, ast.ListComp, ast.BinOp)):
                elt_size = elt_size | self.size(elt)
        del self.loops[len(self.loops) - pushed :]
        if not mult.constant:
            self.note(node, self.loop_mult() * mult, f"comprehension `{self.src(node)}` runs {mult.label()} times")
            if not isinstance(node, ast.GeneratorExp):
                self.allocate(node, mult * elt_size, f"comprehension builds {(mult * elt_size).label()} items")
        return Acc(cost | mult, rec)

