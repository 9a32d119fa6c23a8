"""A module found as usual, then changed once its own code has run: how the runner adjusts a
library the program imports (figures.py: matplotlib's default backend; frames.py: the
stack walkers of traceback and inspect) without importing it for runs that never do."""


def find_then(name, path, target, after):
    """The spec the path finder gives `name`, its loader calling `after(module)` last."""
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec(name, path, target)
    if spec is not None and spec.loader is not None:
        spec.loader = AfterExec(spec.loader, after)
    return spec


class AfterExec:
    """A module's own loader, then `after(module)`."""

    def __init__(self, loader, after):
        self.loader = loader
        self.after = after

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        self.after(module)

    def __getattr__(self, name):  # resources, is_package, get_code…
        return getattr(self.loader, name)
