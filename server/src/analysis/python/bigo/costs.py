"""Statement and expression costs; loops live in loops.py, values in walker.py."""

from __future__ import annotations

import ast

from . import patterns as P
from .calls import call_cost
from .cost import N, ONE, Cost
from .loops import POP_METHODS, LoopWalker
from .program import is_named_data
from .walker import MAX_DEPTH, Acc, Loop


class CostWalker(LoopWalker):
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
            test = self.expr(node.test)
            body, orelse = self.block(node.body), self.block(node.orelse)
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
            if self.is_module and self.p.script_mode and is_named_data(value):
                self.sizes[target.id] = N
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
        hashed = ("range", "keys", "set", "dict")
        if isinstance(container, ast.Call) and P.call_name(container) in hashed:
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

    def comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> Acc:
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
            what = f"comprehension `{self.src(node)}` runs {mult.label()} times"
            self.note(node, self.loop_mult() * mult, what)
            if not isinstance(node, ast.GeneratorExp):
                built = mult * elt_size
                self.allocate(node, built, f"comprehension builds {built.label()} items")
        return Acc(cost | mult, rec)
