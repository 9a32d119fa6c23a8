"""Offline time/space complexity estimate of Python code from its AST (stdlib only).

`analyze(code)` is a pure function: deterministic, bounded work on any input. Run as a
script it reads `{"code": ...}` JSON on stdin and prints the result as JSON, which is
how the server calls it inside the sandbox or in a plain subprocess.
"""

from __future__ import annotations

import ast
import os
import sys

# `python3 -I` leaves the script's directory off sys.path; the sibling modules live here.
_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from bigo.cost import ONE  # noqa: E402
from bigo.costs import CostWalker  # noqa: E402
from bigo.narrative import algorithm_name, render  # noqa: E402
from bigo.program import FuncResult, Program  # noqa: E402

MAX_CODE_CHARS = 200_000
WORK_BUDGET = 200_000  # AST visits across the whole analysis


def _failure(message: str) -> dict:
    return {"success": False, "time_complexity": None, "space_complexity": None,
            "narrative": "", "algorithm": None, "error": message}


def analyze(code: str) -> dict:
    if not isinstance(code, str):
        return _failure("code must be a string")
    if len(code) > MAX_CODE_CHARS:
        return _failure(f"Code is too large to analyse statically ({len(code)} characters, "
                        f"limit {MAX_CODE_CHARS})")
    if not code.strip():
        return _failure("No code to analyse")
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        return _failure(f"Syntax error at line {exc.lineno}: {exc.msg}")
    except (RecursionError, MemoryError, ValueError, OverflowError):
        return _failure("Code is nested too deeply to analyse")
    try:
        return _analyze_tree(tree)
    except (RecursionError, MemoryError):
        return _failure("Code is nested too deeply to analyse")


def _analyze_tree(tree: ast.Module) -> dict:
    program = Program(tree, WORK_BUDGET)
    module = CostWalker(program, None)
    top = module.block(tree.body)
    module_res = FuncResult(
        None, top.cost, module.space, module.evidence, module.space_why, module.tags
    )
    results = [program.analyze_function(f) for f in program.all_functions]
    everything = [module_res, *results]
    time = ONE
    space = ONE
    for res in everything:
        time, space = time | res.time, space | res.space
    # Ties go to a function over the module code, then to the earliest definition.
    dominant = next((r for r in results if r.time == time), module_res)
    space_owner = next((r for r in everything if r.space == space), module_res)
    algorithm = algorithm_name(dominant, 0 if time.growth else int(time.power))
    ranked = sorted(results, key=lambda r: (r.time, r.space), reverse=True)
    narrative = render(time, space, dominant, ranked, algorithm, space_owner, program.truncated)
    return {
        "success": True,
        "time_complexity": time.label(),
        "space_complexity": space.label(),
        "narrative": narrative,
        "algorithm": algorithm,
        "error": None,
        "functions": [
            {"name": r.info.qualname, "line": r.info.node.lineno, "time_complexity": r.time.label(),
             "space_complexity": r.space.label()}
            for r in results if r.info is not None
        ][:50],
        "truncated": program.truncated,
    }


def main() -> None:
    import json  # only the script entry needs it; the sandbox's tool runner has its own

    try:
        payload = json.loads(sys.stdin.read() or "{}")
    except ValueError:
        print(json.dumps(_failure("stdin is not JSON")))
        return
    code = payload.get("code") if isinstance(payload, dict) else None
    print(json.dumps(analyze(code if isinstance(code, str) else "")))


if __name__ == "__main__":
    main()
