"""Sandbox runner body (entry point: runner.py), used for exactly one job.

Start-up: import the helpers and a few cheap modules, drop to the limits, load the
seccomp filter, say "ready" on fd 3, then block on fd 0 for exactly one job. For a `run`
job: apply the static policy (returning violations instead of running), else execute the
code with restricted builtins and report {success, error, error_type, execution_time_ms}
on fd 3. User output goes straight to fd 1/2, which the host reads and caps.
"""

import _signal
import posix
import sys
from io import BufferedReader, BufferedWriter, RawIOBase, StringIO, TextIOWrapper
from time import perf_counter

import figures
import guard
import jail
import policy
import wire

MAX_ERROR_CHARS = 4000
MAX_PROMPT_CHARS = 1000


def parse_config(argv):
    cfg = dict(arg.split("=", 1) for arg in argv)
    as_list = lambda key: [x for x in cfg.get(key, "").split(",") if x]  # noqa: E731
    return {
        "allowed": policy.DEFAULT_ALLOWED | frozenset(as_list("allowed")),
        "preimport": as_list("preimport"),
        "tools": [x for x in cfg.get("tools", "").split(":") if x],
        "seccomp": cfg.get("seccomp", ""),
        "confine_group": cfg.get("pgroup") == "1",
        "limits": {
            "address_space": int(cfg.get("as", 256 << 20)),
            "nproc": int(cfg.get("nproc", 16)),
            "fsize": int(cfg.get("fsize", 16 << 20)),
            "nofile": int(cfg.get("nofile", 64)),
            "cpu_seconds": int(cfg.get("cpu", 40)),
        },
    }


def user_traceback(exc):
    """The traceback as Python prints it, minus the runner's own frame."""
    try:
        import linecache
        import traceback

        tb = exc.__traceback__.tb_next if exc.__traceback__ else None
        linecache.cache["<string>"] = (len(SOURCE), None, SOURCE.splitlines(True), "<string>")
        return "".join(traceback.format_exception(type(exc), exc, tb))
    except BaseException:  # memory exhausted or worse: the short form still helps
        return f"{type(exc).__name__}: {exc}\n"


def flush_streams():
    for stream in STREAMS:
        try:
            stream.flush()
        except BaseException:
            pass


class CountingRaw(RawIOBase):
    """fd 1/2 writer that counts bytes: the result reports the counts, so the host can
    answer as soon as it has read them instead of waiting for the namespace teardown."""

    def __init__(self, fd):
        self.fd = fd
        self.count = 0

    def writable(self):
        return True

    def write(self, data):
        n = posix.write(self.fd, data)
        self.count += n
        return n


def counting_stream(fd, line_buffered):
    return TextIOWrapper(
        BufferedWriter(CountingRaw(fd)), encoding="utf-8", errors="backslashreplace",
        line_buffering=line_buffered,
    )


def send_event(event):
    """A live event (figure, input request) on fd 3, stamped with the output written so
    far: the host holds it until that output has arrived, keeping it in order with it."""
    flush_streams()
    event["stdout_bytes"] = STREAMS[0].buffer.raw.count
    event["stderr_bytes"] = STREAMS[1].buffer.raw.count
    wire.send(event)


def on_stop_signal(signum, frame):
    """SIGTERM (the host's timeout) or SIGXCPU: flush what the program printed so the
    response keeps it, then end with the signal's status. The host SIGKILLs shortly after
    in any case, so a program that blocks this only loses its unflushed output."""
    flush_streams()
    posix._exit(128 + signum)


def is_interactive(fields):
    """`run <timeout> <policy> <stream> <code_len> 1`: fd 0 stays open as the input."""
    return fields[0] == "run" and len(fields) > 5 and fields[5] == "1"


class LiveInputRaw(RawIOBase):
    """fd 0 of an interactive run. Before blocking on an empty pipe it tells the host the
    program waits (with the prompt input() printed), so the client can show an input line."""

    def __init__(self, extra):
        self.extra = extra
        self.prompt = ""

    def readable(self):
        return True

    def fileno(self):
        return 0

    def readinto(self, b):
        if self.extra:
            n = min(len(b), len(self.extra))
            b[:n] = self.extra[:n]
            self.extra = self.extra[n:]
            return n
        posix.set_blocking(0, False)
        try:
            data = posix.read(0, len(b))
        except BlockingIOError:
            data = None
        finally:
            posix.set_blocking(0, True)
        if data is None:
            send_event({"event": "input", "prompt": self.prompt[:MAX_PROMPT_CHARS]})
            data = posix.read(0, len(b))
        b[: len(data)] = data
        return len(data)


def live_stdin(given):
    """The request's stdin first, then what the host passes on while the program runs."""
    return TextIOWrapper(
        BufferedReader(LiveInputRaw(given + wire.EXTRA)), encoding="utf-8", errors="replace"
    )


def with_prompt(plain_input, raw):
    """input() that tells the waiting raw reader its prompt."""

    def input(prompt=""):
        raw.prompt = str(prompt)
        try:
            return plain_input(prompt)
        finally:
            raw.prompt = ""

    return input


def run_user_code(cfg, fields, body):
    global SOURCE
    timeout_ms, enforce, stream, code_len = (int(x) for x in fields[1:5])
    SOURCE = body[:code_len].decode("utf-8", "replace")
    stdin_text = body[code_len:].decode("utf-8", "replace")
    jail.set_cpu_budget(timeout_ms // 1000 + 2)

    tree, syntax = policy.parse(SOURCE)
    if enforce:
        violations = syntax or policy.check(tree, SOURCE, cfg["allowed"])
        if violations:
            return {"violations": violations}

    line_buffered = bool(stream)  # streaming wants lines promptly; batch mode wants speed
    # Our own references: user code may rebind sys.stdout after an escape.
    global STREAMS
    STREAMS = (counting_stream(1, line_buffered), counting_stream(2, line_buffered))
    sys.stdout, sys.stderr = STREAMS

    interactive = is_interactive(fields)
    stdin = live_stdin(body[code_len:]) if interactive else StringIO(stdin_text)
    builtins_table = guard.make_builtins(cfg["allowed"], stdin, sys.stdout)
    if interactive:
        sys.stdin = stdin
        builtins_table["input"] = with_prompt(builtins_table["input"], stdin.buffer.raw)
    user_globals = {
        "__name__": "__main__",
        "__doc__": None,
        "__builtins__": builtins_table,
    }
    figures.install(send_event)
    # _signal is builtin; the `signal` module would import enum (~7 ms per start).
    for signum in (_signal.SIGTERM, _signal.SIGXCPU):
        _signal.signal(signum, on_stop_signal)
    result = {"success": True, "error": None, "error_type": None}
    started = perf_counter()
    try:
        if tree is None:
            compile(SOURCE, "<string>", "exec", dont_inherit=True)  # raises the SyntaxError
        exec(compile(tree, "<string>", "exec", dont_inherit=True), user_globals)
    except SystemExit as e:
        if e.code not in (None, 0):
            result = {"success": False, "error": f"SystemExit: {e.code}", "error_type": "SystemExit"}
    except BaseException as e:
        elapsed = perf_counter() - started
        flush_streams()
        try:
            sys.stderr.write(user_traceback(e))
        except BaseException:
            pass
        result = {"success": False, "error": str(e)[:MAX_ERROR_CHARS], "error_type": type(e).__name__}
        result["execution_time_ms"] = round(elapsed * 1000, 3)
    result.setdefault("execution_time_ms", round((perf_counter() - started) * 1000, 3))
    figures.flush_open_figures()
    flush_streams()
    result["stdout_bytes"] = STREAMS[0].buffer.raw.count
    result["stderr_bytes"] = STREAMS[1].buffer.raw.count
    return result


def run_tool(cfg, fields, body):
    """Trusted helper modules (e.g. the static complexity analyser) under the same jail."""
    import json

    module_name = fields[1]
    jail.set_cpu_budget(int(fields[2]) // 1000 + 2)
    sys.path[:0] = cfg["tools"]
    payload = json.loads(body.decode("utf-8"))
    try:
        module = __import__(module_name)
        fn = getattr(module, "run", None)
        if fn is not None:
            value = fn(payload)
        elif isinstance(payload, dict) and "code" in payload:
            value = module.analyze(payload["code"])
        else:
            value = module.analyze(payload)
        text = json.dumps({"ok": True, "value": value})
    except BaseException as e:
        text = json.dumps({"ok": False, "error": f"{type(e).__name__}: {e}"[:MAX_ERROR_CHARS]})
    data = (text + "\n").encode("utf-8", "backslashreplace")
    while data:
        data = data[posix.write(wire.CONTROL_FD, data):]


def warm_up(argv):
    """What every run shares and may inherit: the configuration and the pre-imports. The
    fork server (zygote.py) does this once and forks each run's runner from it."""
    cfg = parse_config(argv)
    for name in cfg["preimport"]:
        __import__(name)
    return cfg


def serve(cfg):
    """One runner's life from its limits on: exactly one job, then the caller exits."""
    jail.apply_limits(**cfg["limits"])
    jail.load_seccomp(cfg["seccomp"], cfg["confine_group"])
    wire.send({"ready": True, "seccomp": jail.seccomp_active()})
    fields, body = wire.read_job()
    if not is_interactive(fields):
        wire.close_input()
    if fields[0] == "tool":
        run_tool(cfg, fields, body)
    else:
        wire.send(run_user_code(cfg, fields, body))


def main():
    serve(warm_up(sys.argv[1:]))


SOURCE = ""
STREAMS = (sys.stdout, sys.stderr)


def entry():
    try:
        main()
    finally:
        # Skip interpreter teardown and any thread user code left running.
        posix._exit(0)
