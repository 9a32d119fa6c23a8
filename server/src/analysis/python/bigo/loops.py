"""Loop costs: how many times a `for` or `while` body runs, judged from what it iterates
over and how the body moves the loop's variables (constant steps, halving, popping a
worklist)."""

from __future__ import annotations

import ast

from . import patterns as P
from .cost import N, ONE, Cost
from .walker import Acc, Loop, Scope


POP_METHODS = frozenset({"pop", "popleft", "popitem", "remove", "heappop"})
GROW_METHODS = frozenset({"append", "add", "appendleft", "insert", "push", "heappush"})


def _container(call: ast.Call) -> ast.expr | None:
    """The collection a push/pop call acts on: `xs.pop()` -> xs, `heapq.heappop(h)` -> h."""
    name = P.call_name(call)
    if name and name.startswith("heap"):
        return call.args[0] if call.args else None
    return call.func.value if isinstance(call.func, ast.Attribute) else None


class LoopWalker(Scope):
    """Needs `block` and `expr` from CostWalker, which derives from it."""

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
            if isinstance(it.func, ast.Attribute):
                it = it.func.value
            elif it.args:
                it = it.args[0]
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
            stored = {
                n.id
                for n in ast.walk(node)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            }
            kind, updated, _ = self.classify_updates(node, stored)
            if kind == "log":
                bound = ONE
                for name in sorted(updated):
                    bound = bound | self.size(ast.Name(id=name, ctx=ast.Load()))
                self.tags.add("halving")
                why = "halves its range on every pass (exits by return/break)"
                return (bound | N).log(), why, updated
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
            why = f"shrinks/grows its bound geometrically → {bound.log().label()} iterations"
            return bound.log(), why, updated
        if kind == "linear" and P.squares_var(test):
            self.tags.add("sqrt-loop")
            why = f"stops at the square root of its bound → {bound.sqrt().label()}"
            return bound.sqrt(), why, updated
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
                    shift = isinstance(sub.op, (ast.RShift, ast.LShift))
                    geometric = shift or isinstance(sub.op, (ast.FloorDiv, ast.Div, ast.Mult))
                    k = P.const_value(sub.value)
                    # `x &= x - 1` drops the lowest set bit: once per bit, O(log n)
                    bits = isinstance(sub.op, ast.BitAnd) and P.is_minus_one_of(
                        sub.value, sub.target.id
                    )
                    mark(sub.target.id, bits or (geometric and (k is None or k >= 2 or shift)))
            elif isinstance(sub, ast.Assign):
                for target, value in self._pairs(sub):
                    if target in cond:
                        log = (P.is_halving(value) or bool(P.names_in(value) & mids)
                               or P.has_modulo_of(value, cond) or P.is_doubling(value, target)
                               or P.clears_low_bit(value, target))
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
            elif (
                isinstance(target, ast.Tuple)
                and target.elts
                and isinstance(target.elts[0], ast.Name)
                and isinstance(node.value, ast.Call)
                and P.call_name(node.value) == "divmod"
                and len(node.value.args) == 2
            ):
                # `n, d = divmod(n, 10)`: the quotient is `n // 10`
                quotient = ast.BinOp(node.value.args[0], ast.FloorDiv(), node.value.args[1])
                out.append((target.elts[0].id, quotient))
            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple) and len(
                target.elts
            ) == len(node.value.elts):
                out.extend(
                    (t.id, v)
                    for t, v in zip(target.elts, node.value.elts)
                    if isinstance(t, ast.Name)
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
