"""Static policy: the friendly first layer, never the boundary (see SECURITY.md).

Parses with this interpreter's own parser (compile(..., PyCF_ONLY_AST) gives `_ast` nodes
without importing the slower pure-Python `ast` module) and reports every violation as
{"type", "line", "column", "message"}: line is 1-based, column is 0-based and counted in
characters (code points) of that line — Python's ast counts UTF-8 bytes, which we convert
so that an editor can place the marker on non-ASCII lines too.
"""

import _ast

ONLY_AST = 0x400  # ast.PyCF_ONLY_AST, spelled out to avoid importing `ast`
MAX_VIOLATIONS = 100

# Profiles (POLICY_PROFILE). `standard`: the whole standard library and the bundled
# scientific packages; only what cannot work inside the sandbox is refused, saying why.
# `original`: the original project's allow-list and blocked names, unchanged.
PROFILES = ("standard", "original")
DEFAULT_PROFILE = "standard"

NO_NETWORK = "the sandbox has no network"
NO_PROGRAMS = (
    "the sandbox runs no other programs (threads, multiprocessing and os.fork work)"
)
# Modules (or dotted submodules) whose only purpose is something the sandbox cannot do.
STANDARD_REFUSED_MODULES = {
    **{m: NO_NETWORK for m in (
        "socket ssl socketserver ftplib poplib imaplib nntplib smtplib telnetlib "
        "http.client http.server urllib.request xmlrpc webbrowser"
    ).split()},
    **{m: NO_PROGRAMS for m in ("subprocess", "pty", "asyncio.subprocess")},
}
# os functions that start a host program (/bin/sh, an executable): none exists inside.
STANDARD_REFUSED_OS = frozenset(
    "system popen execl execle execlp execlpe execv execve execvp execvpe spawnl spawnle "
    "spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe posix_spawn posix_spawnp "
    "forkpty".split()
)


# What learners' menus and games call between screens: os.system("clear") (or "cls", or
# the two chosen by os.name). Clearing a terminal is cosmetic, and the program after it is
# what they want to run, so such a call is not refused; inside the sandbox it starts
# nothing (there is no shell to start) and returns a failed status, as `clear` run where
# no terminal is would, and the program goes on.
SCREEN_COMMANDS = frozenset(("clear", "cls"))
# "cls||clear", "clear;cls", "cls && clear": the same two commands, one per system.
SCREEN_COMMAND_SEPARATORS = ("||", "&&", ";")


def is_screen_command(node):
    kind = type(node)
    if kind is _ast.Constant:
        if not isinstance(node.value, str):
            return False
        parts = [node.value]
        for sep in SCREEN_COMMAND_SEPARATORS:
            parts = [piece for part in parts for piece in part.split(sep)]
        return all(part.strip().lower() in SCREEN_COMMANDS for part in parts)
    if kind is _ast.IfExp:  # "cls" if os.name == "nt" else "clear"
        return is_screen_command(node.body) and is_screen_command(node.orelse)
    return False


def is_screen_clear(call):
    """os.system(<a screen command>), with nothing else passed."""
    func = call.func
    return (
        type(func) is _ast.Attribute
        and func.attr == "system"
        and type(func.value) is _ast.Name
        and func.value.id in ("os", "posix")
        and len(call.args) == 1
        and not call.keywords
        and is_screen_command(call.args[0])
    )


def refused_module(name, profile, allowed):
    """Why importing `name` is refused under `profile`, or None."""
    name = name or ""
    if profile == "original":
        if name.split(".")[0] in allowed:
            return None
        return "is not allowed"
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        why = STANDARD_REFUSED_MODULES.get(".".join(parts[:i]))
        if why:
            return f"is not available: {why}"
    return None

DEFAULT_ALLOWED = frozenset(
    "math cmath decimal fractions random statistics collections heapq bisect array "
    "itertools functools operator string re textwrap json csv datetime calendar time "
    "typing dataclasses enum abc copy pprint".split()
)
BLOCKED_CALLS = frozenset(
    "exec eval compile open __import__ globals locals vars breakpoint memoryview help "
    "exit quit".split()
)
# Dunders that ordinary programs use and that do not lead to frames, code, globals or
# the class graph. Every other dunder attribute is refused.
SAFE_DUNDERS = frozenset(
    "__init__ __new__ __name__ __qualname__ __doc__ __main__ __post_init__ __repr__ "
    "__str__ __format__ __hash__ __bool__ __len__ __iter__ __next__ __reversed__ "
    "__contains__ __getitem__ __setitem__ __delitem__ __missing__ __call__ __enter__ "
    "__exit__ __eq__ __ne__ __lt__ __le__ __gt__ __ge__ __add__ __radd__ __iadd__ "
    "__sub__ __rsub__ __isub__ __mul__ __rmul__ __imul__ __matmul__ __truediv__ "
    "__rtruediv__ __floordiv__ __rfloordiv__ __mod__ __rmod__ __divmod__ __pow__ "
    "__rpow__ __neg__ __pos__ __abs__ __invert__ __and__ __or__ __xor__ __rand__ "
    "__ror__ __rxor__ __lshift__ __rshift__ __int__ __float__ __index__ __round__ "
    "__slots__ __all__ __version__".split()
)
# Non-dunder attributes that walk from a generator, coroutine, traceback or frame to
# frames, code objects and globals.
BLOCKED_ATTRIBUTES = frozenset(
    "gi_frame gi_code gi_yieldfrom cr_frame cr_code cr_await ag_frame ag_code tb_frame "
    "tb_next f_back f_globals f_locals f_builtins f_code f_trace co_code co_consts "
    "func_globals mro format_map".split()
)


def is_blocked_attribute(name):
    if name in BLOCKED_ATTRIBUTES:
        return True
    return name.startswith("__") and name.endswith("__") and name not in SAFE_DUNDERS


def _words(text):
    """Identifier-like words of a string, to spot 'getattr(x, "__globals__")',
    operator.attrgetter('__globals__') and '{0.__class__}'.format(...)."""
    word = []
    for ch in text + " ":
        if ch == "_" or ch.isalnum():
            word.append(ch)
        elif word:
            yield "".join(word)
            word = []


class Checker:
    def __init__(self, source, allowed, profile="original"):
        self.allowed = allowed
        self.profile = profile
        self.lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.found = []
        # os.system attributes of screen-clearing calls (is_screen_clear), seen at the call:
        # the walk visits a call before its function.
        self.screen_clears = set()

    def column(self, line, col):
        if col is None or line is None or not 1 <= line <= len(self.lines):
            return col or 0
        raw = self.lines[line - 1].encode("utf-8", "surrogatepass")
        return len(raw[:col].decode("utf-8", "replace"))

    def add(self, kind, node, message, line=None, col=None):
        line = node.lineno if line is None else line
        col = node.col_offset if col is None else col
        self.found.append(
            {"type": kind, "line": line, "column": self.column(line, col), "message": message}
        )

    def attribute_position(self, node):
        """Where the attribute name of `a.b.attr` starts, not the expression (as ast
        gives): after the last dot before its end. Its spelling in the source may differ
        from node.attr (NFKC), so the source is searched rather than its length used."""
        line, end = node.end_lineno, node.end_col_offset
        if line is None or end is None or not 1 <= line <= len(self.lines):
            return node.lineno, node.col_offset
        raw = self.lines[line - 1].encode("utf-8", "surrogatepass")[:end]
        dot = raw.rfind(b".")
        if dot < 0:  # the dot is on an earlier line (a backslash continuation)
            return line, max(0, end - len(node.attr.encode()))
        col = dot + 1
        while col < end and raw[col:col + 1] in (b" ", b"\t"):
            col += 1
        return line, col

    def check_module(self, name, node):
        why = refused_module(name, self.profile, self.allowed)
        if why:
            self.add("forbidden_import", node, f"Import of '{name}' {why}")
            return True
        return False

    def visit(self, node):
        if self.profile == "standard":
            return self.visit_standard(node)
        kind = type(node)
        if kind is _ast.Import:
            for alias in node.names:
                self.check_module(alias.name, node)
        elif kind is _ast.ImportFrom:
            if node.level:
                self.add("forbidden_import", node, "Relative imports are not allowed")
            else:
                self.check_module(node.module, node)
        elif kind is _ast.Name:
            if node.id in BLOCKED_CALLS:
                self.add("forbidden_call", node, f"Use of '{node.id}' is not allowed")
            elif node.id.startswith("__") and node.id not in SAFE_DUNDERS:
                self.add("forbidden_name", node, f"Name '{node.id}' is not allowed")
        elif kind is _ast.Attribute:
            if is_blocked_attribute(node.attr):
                line, col = self.attribute_position(node)
                self.add(
                    "forbidden_attribute", node,
                    f"Access to attribute '{node.attr}' is not allowed", line, col,
                )
        elif kind is _ast.Constant and isinstance(node.value, (str, bytes)):
            text = node.value if isinstance(node.value, str) else node.value.decode("latin-1")
            for word in _words(text):
                if is_blocked_attribute(word):
                    self.add(
                        "forbidden_attribute", node,
                        f"String names the blocked attribute '{word}'",
                    )
                    break
        elif kind is _ast.MatchClass:
            for name in node.kwd_attrs:
                if is_blocked_attribute(name):
                    self.add("forbidden_attribute", node, f"Pattern on attribute '{name}' is not allowed")


    def visit_standard(self, node):
        """Only what cannot work inside: network modules and starting host programs."""
        kind = type(node)
        if kind is _ast.Import:
            for alias in node.names:
                self.check_module(alias.name, node)
        elif kind is _ast.ImportFrom and not node.level:
            if not self.check_module(node.module, node):
                for alias in node.names:  # from urllib import request; from os import system
                    if node.module == "os" and alias.name in STANDARD_REFUSED_OS:
                        self.refuse_os(node, alias.name)
                    elif self.check_module(f"{node.module}.{alias.name}", node):
                        break
        elif kind is _ast.Call and is_screen_clear(node):
            self.screen_clears.add(id(node.func))
        elif kind is _ast.Attribute and node.attr in STANDARD_REFUSED_OS:
            base = node.value
            if id(node) in self.screen_clears:
                return
            if type(base) is _ast.Name and base.id in ("os", "posix"):
                line, col = self.attribute_position(node)
                self.refuse_os(node, node.attr, line, col)

    def refuse_os(self, node, name, line=None, col=None):
        self.add(
            "forbidden_call", node, f"Use of 'os.{name}' is not available: {NO_PROGRAMS}", line, col
        )


def _children(node):
    for field in node._fields:
        value = getattr(node, field, None)
        if isinstance(value, _ast.AST):
            yield value
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, _ast.AST):
                    yield item


def parse(source):
    """Returns (tree, None) or (None, [syntax_error violation])."""
    try:
        return compile(source, "<string>", "exec", ONLY_AST, dont_inherit=True), None
    except SyntaxError as e:
        col = (e.offset - 1) if e.offset and e.offset > 0 else 0
        return None, [{"type": "syntax_error", "line": e.lineno or 1, "column": col,
                       "message": f"Syntax error at line {e.lineno or 1}: {e.msg}"}]
    except (ValueError, RecursionError, MemoryError) as e:  # NUL bytes, absurd nesting
        return None, [{"type": "syntax_error", "line": 1, "column": 0,
                       "message": f"Syntax error: {e}"}]


def check(tree, source, allowed, profile="original"):
    """Every violation of `tree`, sorted by position, at most MAX_VIOLATIONS."""
    checker = Checker(source, allowed, profile)
    stack = [tree]
    while stack:  # iterative: a deeply nested program must not overflow our own stack
        node = stack.pop()
        checker.visit(node)
        stack.extend(_children(node))
    found = sorted(checker.found, key=lambda v: (v["line"], v["column"]))
    return found[:MAX_VIOLATIONS]


def run(payload):
    """Tool entry (Sandbox.runTool("policy", {code, allowed?, profile?})): the violations
    alone, for callers that want to vet code without running it."""
    source = payload["code"]
    tree, syntax = parse(source)
    allowed = DEFAULT_ALLOWED | frozenset(payload.get("allowed", ()))
    profile = payload.get("profile", "original")
    if profile not in PROFILES:
        raise ValueError(f"unknown policy profile: {profile}")
    return syntax or check(tree, source, allowed, profile)
