"""Restricted builtins for user code: the runtime half of the friendly first layer.

Escapable by design (SECURITY.md); it exists so that names the static policy could not
see (strings built at run time, policy switched off) still fail with a clear error.
"""

import builtins
import sys

from policy import BLOCKED_CALLS, is_blocked_attribute, refused_module

_real_import = builtins.__import__
_real_getattr = getattr


def _check_name(name):
    if isinstance(name, str) and is_blocked_attribute(name):
        raise AttributeError(f"Access to attribute '{name}' is not allowed")


def make_builtins(allowed, profile="original", program_dir=""):
    """The user's builtins under `profile`. `standard`: the real builtins module, whose
    import refuses to the program only what the static policy refuses (modules that cannot
    work inside). `original`: a dict with the blocked calls removed, import limited to
    `allowed`, attribute helpers refusing blocked names, and input() reading sys.stdin."""
    if profile == "standard":
        return _standard_builtins(allowed, program_dir)

    def restricted_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level != 0 or name.split(".")[0] not in allowed:
            raise ImportError(f"Import of '{name}' is not allowed")
        return _real_import(name, globals, locals, fromlist, 0)

    def safe_getattr(obj, name, *default):
        _check_name(name)
        return _real_getattr(obj, name, *default)

    def safe_hasattr(obj, name):
        _check_name(name)
        return hasattr(obj, name)

    def safe_setattr(obj, name, value):
        _check_name(name)
        setattr(obj, name, value)

    def safe_delattr(obj, name):
        _check_name(name)
        delattr(obj, name)

    def safe_input(prompt=""):
        if prompt:
            sys.stdout.write(str(prompt))
        line = sys.stdin.readline()
        if not line:
            raise EOFError("EOF when reading a line")
        return line[:-1] if line.endswith("\n") else line

    table = {k: v for k, v in builtins.__dict__.items() if k not in BLOCKED_CALLS}
    table.update(
        __import__=restricted_import,
        getattr=safe_getattr,
        hasattr=safe_hasattr,
        setattr=safe_setattr,
        delattr=safe_delattr,
        input=safe_input,
    )
    return table


def _standard_builtins(allowed, program_dir):
    """The real builtins module, as `__builtins__` of a real `__main__` is: a program that
    patches builtins.input or builtins.print (unittest.mock.patch does) sees its patch. Its
    __import__ refuses the modules the standard profile refuses to the program's own
    imports — from `__main__`, a module under `program_dir` (files the program wrote) or
    code executed with globals that are no module's — and lets the libraries' own imports
    through (asyncio and multiprocessing import socket)."""

    def standard_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and _from_program(globals, program_dir):
            why = refused_module(name, "standard", allowed)
            if not why:
                for item in fromlist or ():
                    why = refused_module(f"{name}.{item}", "standard", allowed)
                    if why:
                        name = f"{name}.{item}"
                        break
            if why:
                raise ImportError(f"Import of '{name}' {why}", name=name)
        return _real_import(name, globals, locals, fromlist, level)

    builtins.__import__ = standard_import
    return builtins


def _from_program(globals, program_dir):
    if globals is None:  # __import__("x") called directly: the caller's module decides
        globals = sys._getframe(2).f_globals
    if not isinstance(globals, dict):
        return True
    name = globals.get("__name__")
    if name == "__main__":
        return True
    path = globals.get("__file__")
    if path is None:  # code run with globals of its own (the complexity analyser's)
        return name not in sys.modules
    return bool(program_dir) and isinstance(path, str) and path.startswith(program_dir + "/")
