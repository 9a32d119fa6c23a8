"""What a call costs: user functions (composed from their own analysis, or counted as a
recursive call site), and the library calls whose cost is well known."""

from __future__ import annotations

import ast

from .cost import ONE, Cost
from . import patterns as P
from .walker import TYPE_CHECKING, Acc, RecSite

if TYPE_CHECKING:
    from .costs import CostWalker

SORTS = frozenset({"sorted", "sort"})


def call_cost(w: "CostWalker", node: ast.Call) -> Acc:
    acc = Acc()
    for part in [node.func, *node.args, *(kw.value for kw in node.keywords)]:
        if isinstance(part, ast.Name):
            continue
        sub = w.expr(part.value if part is node.func and isinstance(part, ast.Attribute) else part)
        acc = Acc(acc.cost | sub.cost, acc.rec + sub.rec)
    target = w.p.resolve(node, w.func, w.kinds)
    if target is not None and w.func is not None and target.node is w.func.node:
        w.rec_sites.append(RecSite(node, not w.loop_mult().constant, _loop_vars(w)))
        return Acc(acc.cost, acc.rec + 1)
    if target is not None:
        return Acc(acc.cost | _user_call(w, node, target), acc.rec)
    return Acc(acc.cost | library_cost(w, node), acc.rec)


def _loop_vars(w: "CostWalker") -> set[str]:
    out: set[str] = set()
    for loop in w.loops:
        if not loop.mult.constant:
            out |= loop.counters
    return out


def _user_call(w: "CostWalker", node: ast.Call, target) -> Cost:
    if w.is_module and all(w.size(a).constant for a in node.args) and all(
        w.size(k.value).constant for k in node.keywords
    ):
        return ONE  # called once on fixed data: the function's own analysis covers it
    result = w.p.analyze_function(target)
    w.space = w.space | result.space  # the callee's memory is live while the caller waits
    if not result.time.constant:
        total = w.loop_mult() * result.time
        outer = w.loop_mult()
        inside = "" if outer.constant else f", inside loops running {outer.label()} times"
        w.note(node, total, f"calls `{target.name}` which is {result.time.label()}{inside}")
        w.tags.add("composed-call")
        w.tags |= result.tags  # the caller inherits what makes its callee slow
    return result.time


def library_cost(w: "CostWalker", node: ast.Call) -> Cost:
    name = P.call_name(node)
    args = node.args
    recv = node.func.value if isinstance(node.func, ast.Attribute) else None
    if name is None:
        return ONE
    if recv is not None and (
        (isinstance(recv, ast.Name) and recv.id in w.elements)
        or (isinstance(recv, ast.Call) and P.call_name(recv) in ("input", "readline", "read"))
    ):
        return ONE  # per-item method (`ch.lower()`) or parsing the input line
    if name in SORTS:
        if name == "sorted":
            base = w.iterations(args[0]) if args else ONE
        else:
            base = w.size(recv) if recv is not None else ONE
        cost = base * base.log()
        if not cost.constant:
            w.tags.add("sorting")
            what = f"`{w.src(node.func)}(…)` sorts {base.label()} items"
            w.note(node, w.loop_mult() * cost, what)
            if name == "sorted":
                w.allocate(node, base, "`sorted` returns a new list")
        return cost
    if name in P.LOG_MODULE_CALLS and args:
        w.tags.add("heap" if name.startswith("heap") else "binary-search")
        cost = w.size(args[0]).log()
        if name == "heappush" and isinstance(args[0], ast.Name):
            w._grow(args[0].id, node)
        if not cost.constant:
            what = f"`{name}` is a {P.LOG_MODULE_CALLS[name]} ({cost.label()})"
            w.note(node, w.loop_mult() * cost, what)
        return cost
    if name in P.N_LOG_N_MODULE_CALLS and len(args) >= 2:
        w.tags.add("heap")
        size = w.size(args[1])
        return size * size.log()
    if name in P.LINEAR_MODULE_CALLS and args and (recv is None or isinstance(recv, ast.Name)):
        if name == "copy" and recv is not None and not args:
            return w.size(recv)
        if name.startswith("heap"):
            w.tags.add("heap")
        return w.size(args[0])
    if name == "join" and args:
        return w.iterations(args[0])
    if recv is not None and name in GROWTH and isinstance(recv, ast.Name):
        GROWTH[name](w, recv.id, node)
    if recv is not None and name in P.LINEAR_METHODS:
        if name == "insert" and args and not (P.is_const(args[0]) and P.const_value(args[0]) == 0):
            return w.size(recv)
        return w.size(recv)
    if recv is not None and name == "pop" and args and P.const_value(args[0]) == 0:
        w.tags.add("pop-front")
        w.note(node, w.loop_mult() * w.size(recv), f"`{w.src(node.func)}(0)` shifts the whole list")
        return w.size(recv)
    if recv is None and name == "pow" and len(args) == 3:
        # modular exponentiation squares once per bit of the exponent
        cost = w.size(args[1]).log()
        if not cost.constant:
            w.note(node, w.loop_mult() * cost, f"`pow(…, …, m)` squares per bit of the exponent ({cost.label()})")
        return cost
    if (
        recv is None
        and name in ("str", "repr", "bin", "hex", "oct")
        and len(args) == 1
        and isinstance(args[0], ast.Name)
        and w.func is not None
        and args[0].id in w.func.params
        and (name in ("bin", "hex", "oct") or w.is_numeric(args[0]))
    ):
        # writing out a number given as input: one step per digit
        cost = w.size(args[0]).log()
        if not cost.constant:
            w.note(node, w.loop_mult() * cost, f"`{name}({args[0].id})` writes its digits ({cost.label()})")
        return cost
    if recv is None and name in P.LINEAR_BUILTINS and len(args) == 1:
        cost = w.iterations(args[0])
        if name not in ("sum", "min", "max", "any", "all"):
            w.allocate(node, cost, f"`{name}(…)` copies {cost.label()} items")
        if name in P.DICT_FACTORIES or name in P.SET_FACTORIES:
            w.tags.add("hash-lookup")
        return cost
    return ONE


def _grow_one(w: "CostWalker", name: str, node: ast.Call) -> None:
    w._grow(name, node)


def _grow_many(w: "CostWalker", name: str, node: ast.Call) -> None:
    w._grow(name, node, w.size(node.args[0]) if node.args else ONE)


GROWTH = {
    "append": _grow_one, "add": _grow_one, "appendleft": _grow_one, "push": _grow_one,
    "extend": _grow_many, "update": _grow_many,
}
