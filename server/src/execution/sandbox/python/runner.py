"""Entry point of a sandbox runner: python3 -I -S -B runner.py key=value ...

Kept tiny because a __main__ script is compiled on every start; the body lives in
modules whose bytecode the host compiles once (host-paths.ts). Its first act is to close
every descriptor but the four of the protocol.
"""

import posix

# Before anything else: a runner needs exactly fds 0-3 (job, stdout, stderr, control).
# Anything above was inherited — a descriptor the server's own parent left open without
# close-on-exec reaches every child through Node, bwrap and exec — or is bwrap's seccomp
# pipe, already read. None of it may reach user code (issue 10 item 3).
posix.closerange(4, 0x7FFFFFFF)

import sys  # noqa: E402

HERE = sys.argv[0].rpartition("/")[0] or "."
sys.path.insert(0, HERE)
import sandbox_runner  # noqa: E402

sys.path.remove(HERE)
sandbox_runner.entry()
