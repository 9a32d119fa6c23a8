"""The program's view of its own call stack: it ends at the program, as under python3.

Under `python3 main.py` the module's frame is the bottom of the stack (its f_back is None);
here the runner's frames (the fork server's loop, serve, run_user_code) sit under it.
`traceback.print_stack()`, `inspect.stack()` and `sys._getframe(n)` would show them: other
output than python3's, and the runner's file names and locals in the program's hands. So
the stack walkers stop at the program's top frame:

- `traceback.walk_stack` (behind print_stack, format_stack, extract_stack) and
  `inspect.getouterframes` (behind inspect.stack) end after it;
- `sys._getframe(n)` past it raises ValueError("call stack is not deep enough"), as
  python3 does past the bottom of its stack;
- `bdb.Bdb.set_trace` (behind `breakpoint()` and `pdb.set_trace()`) takes it as the
  debugger's bottom frame, so pdb's `where` and `up` end there.

traceback, inspect and bdb are patched when the program imports them (a meta path finder, as
figures.py does for matplotlib): importing inspect costs several ms, which a run that never
uses it must not pay. Left as python3 would not show them: `frame.f_back` of the top frame
itself (the runner's frame, not None; a frame's f_back cannot be changed), the C
warnings module's `stacklevel` past the top, and faulthandler's dump (it walks the C
frames). Hand-written: no library hides frames.

This is output parity, not a boundary: the sandbox holds with the runner's frames reached.
"""

import sys

from post_import import find_then

_real_getframe = sys._getframe
_top = None  # the program's module code object


def _getframe(depth=0, /):
    frame = _real_getframe(1)  # the caller's
    for _ in range(depth):  # range() raises python3's TypeError for a non-integer
        if frame.f_code is _top:
            raise ValueError("call stack is not deep enough")
        frame = frame.f_back
        if frame is None:
            raise ValueError("call stack is not deep enough")
    return frame


def _walk_stack(f):
    # traceback.walk_stack of CPython 3.11, ending at the program's frame: the same number
    # of f_back steps from here as from the original when no frame is given.
    if f is None:
        f = sys._getframe().f_back.f_back.f_back.f_back
    while f is not None:
        yield f, f.f_lineno
        if f.f_code is _top:
            return
        f = f.f_back


def _getouterframes_from(inspect):
    def getouterframes(frame, context=1):
        # inspect.getouterframes of CPython 3.11, ending at the program's frame.
        framelist = []
        while frame:
            traceback_info = inspect.getframeinfo(frame, context)
            frameinfo = (frame,) + traceback_info
            framelist.append(
                inspect.FrameInfo(*frameinfo, positions=traceback_info.positions)
            )
            if frame.f_code is _top:
                break
            frame = frame.f_back
        return framelist

    return getouterframes


def _dress(ours, real):
    for attr in ("__name__", "__qualname__", "__doc__", "__module__"):
        try:
            setattr(ours, attr, getattr(real, attr))
        except (AttributeError, TypeError):
            pass
    return ours


def _set_trace_from(bdb):
    real = bdb.Bdb.set_trace

    def set_trace(self, frame=None):
        # bdb.Bdb.set_trace of CPython 3.11, its bottom frame the program's: pdb's `where`
        # and `up` end there ("*** Oldest frame"), as under python3.
        if frame is None:
            frame = sys._getframe().f_back
        self.reset()
        while frame:
            frame.f_trace = self.trace_dispatch
            self.botframe = frame
            if frame.f_code is _top:
                break
            frame = frame.f_back
        self.set_step()
        sys.settrace(self.trace_dispatch)

    return _dress(set_trace, real)


def _patch(module):
    if module.__name__ == "traceback":
        module.walk_stack = _dress(_walk_stack, module.walk_stack)
    elif module.__name__ == "inspect":
        module.getouterframes = _dress(_getouterframes_from(module), module.getouterframes)
    elif module.__name__ == "bdb":
        module.Bdb.set_trace = _set_trace_from(module)


PATCHED = ("traceback", "inspect", "bdb")


class _Finder:
    """Finds traceback, inspect and bdb as usual and patches them once loaded; every other
    import falls through."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name not in PATCHED:
            return None
        return find_then(name, path, target, _patch)


def install(top_code):
    """Before the program runs: `top_code` is its compiled module."""
    global _top
    _top = top_code
    sys._getframe = _dress(_getframe, _real_getframe)
    for name in PATCHED:
        module = sys.modules.get(name)
        if module is not None:
            _patch(module)
    sys.meta_path.insert(0, _Finder)
