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


def make_builtins(allowed, profile="original"):
    """The user's builtins under `profile`. `standard`: a copy of the real builtins
    module whose import refuses only what the static policy refuses (modules that cannot
    work inside). `original`: a dict with the blocked calls removed, import limited to
    `allowed`, attribute helpers refusing blocked names, and input() reading sys.stdin."""
    if profile == "standard":
        return _standard_builtins(allowed)

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


def _standard_builtins(allowed):
    """A module (as `__builtins__` of a real `__main__` is) whose __import__ refuses the
    modules the standard profile refuses; everything else is the real builtins."""

    def standard_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0:
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

    module = type(builtins)("builtins")
    module.__dict__.update(builtins.__dict__)
    module.__import__ = standard_import
    return module
