"""Entry point of a sandbox runner: python3 -I -S -B runner.py key=value ...

Kept tiny because a __main__ script is compiled on every start; the body lives in
modules whose bytecode the host compiles once (host-paths.ts).
"""

import sys

HERE = sys.argv[0].rpartition("/")[0] or "."
sys.path.insert(0, HERE)
import sandbox_runner  # noqa: E402

sys.path.remove(HERE)
sandbox_runner.entry()
