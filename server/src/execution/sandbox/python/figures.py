"""Figures of matplotlib programs: `plt.show()`, `fig.show()`, and figures still open when
the program ends become images sent to the host on fd 3, in order with the output.

Matplotlib's own extension point does the work: the backend `module://code_remote_figures`
names a backend module, which a meta-path finder provides on demand. The same finder
selects it as the default backend right after `matplotlib` itself is imported (rather than
through MPLBACKEND, so the program's environment stays as it was); runs that never import
matplotlib pay nothing. It draws with Agg, and its `show` renders each open figure (PNG,
or SVG when `savefig.format` is "svg") and closes it, as notebook front ends do, so a
figure shown once is not sent again at the end. A program may still pick another backend
with matplotlib.use(); figures it leaves open are sent at the end all the same.

Caps on count and bytes are the runner's courtesy (the host enforces them again): a
figure past them is not sent, and one `figures_truncated` event says so.
"""

import sys

from post_import import find_then

BACKEND = "code_remote_figures"
MAX_FIGURES = 20
MAX_BYTES = 3 << 20  # base64 characters over all figures of a run (protocol.ts)

_emit = None
_before_matplotlib = None
_sent = 0
_bytes = 0
_truncated = False


class _Finder:
    """Provides the backend module, and wraps matplotlib's own loader so that the backend
    is the default once matplotlib is imported; every other import falls through."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == BACKEND:
            from importlib.machinery import ModuleSpec

            return ModuleSpec(name, _Loader, origin="code-remote")
        if name != "matplotlib":
            return None
        if _before_matplotlib is not None:
            _before_matplotlib()
        return find_then(name, path, target, _select_backend)


def _select_backend(matplotlib):
    matplotlib.rcParams["backend"] = "module://" + BACKEND


class _Loader:
    @staticmethod
    def create_module(spec):
        return None

    @staticmethod
    def exec_module(module):
        from matplotlib.backend_bases import FigureManagerBase
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        class FigureManager(FigureManagerBase):
            def show(self):  # fig.show()
                _send_figure(self.canvas.figure)

        class FigureCanvas(FigureCanvasAgg):
            manager_class = FigureManager

        module.FigureCanvas = FigureCanvas
        module.FigureManager = FigureManager
        module.backend_version = "code-remote"
        module.show = show


def show(*args, **kwargs):
    """pyplot.show(): every open figure, in creation order, then closed."""
    from matplotlib._pylab_helpers import Gcf

    for manager in Gcf.get_all_fig_managers():
        _send_figure(manager.canvas.figure)
    Gcf.destroy_all()


def flush_open_figures():
    """At the end of the program: figures never shown are sent too."""
    helpers = sys.modules.get("matplotlib._pylab_helpers")
    if helpers is None:
        return
    try:
        for manager in helpers.Gcf.get_all_fig_managers():
            _send_figure(manager.canvas.figure)
        helpers.Gcf.destroy_all()
    except Exception as e:  # a figure that cannot draw: say so, keep the run's result
        try:
            sys.stderr.write(f"Could not render a figure: {type(e).__name__}: {e}\n")
        except BaseException:
            pass


def _send_figure(figure):
    global _sent, _bytes, _truncated
    if _emit is None:
        return
    if _sent >= MAX_FIGURES:
        return _mark_truncated()
    from binascii import b2a_base64
    from io import BytesIO

    from matplotlib import rcParams

    svg = str(rcParams.get("savefig.format", "png")).lower() == "svg"
    buf = BytesIO()
    figure.savefig(buf, format="svg" if svg else "png")
    data = b2a_base64(buf.getvalue(), newline=False).decode("ascii")
    if _bytes + len(data) > MAX_BYTES:
        return _mark_truncated()
    _sent += 1
    _bytes += len(data)
    _emit({"event": "figure", "mime_type": "image/svg+xml" if svg else "image/png", "data": data})


def _mark_truncated():
    global _truncated
    if not _truncated:
        _truncated = True
        _emit({"event": "figures_truncated"})


def install(emit, max_figures=MAX_FIGURES, max_bytes=MAX_BYTES, before_matplotlib=None):
    """Before user code: select the backend and route figures to `emit(event)`;
    `before_matplotlib()` runs as matplotlib is first looked up, before its code does."""
    global _emit, _before_matplotlib, MAX_FIGURES, MAX_BYTES
    _emit = emit
    _before_matplotlib = before_matplotlib
    MAX_FIGURES, MAX_BYTES = max_figures, max_bytes
    sys.meta_path.insert(0, _Finder)
