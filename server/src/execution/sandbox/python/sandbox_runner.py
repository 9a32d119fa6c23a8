"""Sandbox runner body (entry point: runner.py), used for exactly one job.

Start-up: import the helpers and a few cheap modules, set the run's environment, drop to
the limits, load the seccomp filter, say "ready" on fd 3, then block on fd 0 for exactly
one job. For a `run` job: apply the static policy of the profile and send its verdict on
fd 3 — the violations (the code never runs) or {"verdict": "ok"} — then execute the code
as the `__main__` module with the profile's builtins, finish as the interpreter would
(threads, atexit) and report {success, error, error_type, execution_time_ms} on fd 3. User output goes straight to fd 1/2, which the
host reads and caps.
"""

import _signal
import posix
import sys
from io import BufferedReader, BufferedWriter, FileIO, RawIOBase, TextIOWrapper
from sys import setprofile, settrace  # ours: the program may rebind sys's
from time import perf_counter

import figures
import frames
import guard
import jail
import policy
import wire

MAX_ERROR_CHARS = 4000
WATCHDOG_NICE = 10
VERDICT_OK = {"verdict": "ok"}
MAX_PROMPT_CHARS = 1000
RUNNER_DIR = guard.__file__.rpartition("/")[0] + "/"


def parse_config(argv):
    cfg = dict(arg.split("=", 1) for arg in argv)
    as_list = lambda key: [x for x in cfg.get(key, "").split(",") if x]  # noqa: E731
    profile = cfg.get("profile", policy.DEFAULT_PROFILE)
    if profile not in policy.PROFILES:
        raise SystemExit(f"unknown policy profile: {profile}")
    return {
        "profile": profile,
        "allowed": policy.DEFAULT_ALLOWED | frozenset(as_list("allowed")),
        "preimport": as_list("preimport"),
        "tools": [x for x in cfg.get("tools", "").split(":") if x],
        "sitepath": [x for x in cfg.get("sitepath", "").split(":") if x],
        # The run's private, writable directory (bwrap's /tmp); none without namespaces.
        "workdir": cfg.get("workdir", ""),
        # Where the host keeps matplotlib's prebuilt font list (mpl_fontcache.py), if any.
        "mplcache": cfg.get("mplcache", ""),
        "seccomp": cfg.get("seccomp", ""),
        "confine_group": cfg.get("pgroup") == "1",
        # The host's memory watchdog bounds the run (no memory cgroup): refuse what it cannot
        # see, and wait after the result to be measured and killed (memory-limit.ts).
        "memory_watchdog": cfg.get("memwatch") == "1",
        # RECURSION_PROBE's depth at a program's top level under python3 (host-paths.ts).
        "main_depth": int(cfg.get("maindepth", 0)),
        "limits": {
            "address_space": int(cfg.get("as", 256 << 20)),
            "nproc": int(cfg.get("nproc", 16)),
            "fsize": int(cfg.get("fsize", 16 << 20)),
            "nofile": int(cfg.get("nofile", 64)),
            "cpu_seconds": int(cfg.get("cpu", 40)),
        },
    }


# Under the standard profile the program is the file main.py in the run's own directory,
# as `python3 main.py` run there: __file__, tracebacks, inspect.getsource and doctest's
# line numbers all point at it.
MAIN_NAME = "main.py"

# Set for every run before anything is imported: the bundled libraries would otherwise
# start one BLAS thread per host core (each counted by RLIMIT_NPROC) and matplotlib would
# look for a display and a home directory. Nothing of the host's environment is passed.
RUN_ENVIRONMENT = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
    "MPLCONFIGDIR": "/tmp/.config/matplotlib",  # per uid without a private /tmp
    # Debian's matplotlib reads /etc/matplotlibrc (not in the sandbox); the packaged
    # default differs from it only by the backend, which MPLBACKEND sets.
    "MATPLOTLIBRC": "/usr/share/matplotlib/mpl-data",
    # A search path, as a shell gives python3 at home: os.environ["PATH"], shutil.which and
    # os.get_exec_path() read it (nothing can be started: subprocess is refused).
    "PATH": "/usr/bin:/bin",
}


RUN_USER = "sandbox"


def prepare_environment(cfg):
    """Warm-up (before "ready"): the library search path and environment of every run."""
    # posix.environ is what os.environ is built from when first imported; putenv is what
    # C libraries (OpenBLAS) read. Not importing os here saves ~1 ms per sandbox.
    env = dict(RUN_ENVIRONMENT)
    if not cfg["workdir"]:  # process isolation: /tmp is shared by runs of other uids
        env["MPLCONFIGDIR"] += f"-{posix.getuid()}"
    # A home and a user name, as a login gives python3 at home: "~/notes.txt",
    # Path.home() and getpass.getuser() work (the run's uid has no passwd entry, so without
    # them expanduser leaves "~" and getuser raises KeyError). The home is the run's own
    # directory.
    env["HOME"] = cfg["workdir"] or "/tmp"
    env["USER"] = env["LOGNAME"] = RUN_USER
    for key, value in env.items():
        posix.putenv(key, value)
        posix.environ[key.encode()] = value.encode()
    global FONT_CACHE
    FONT_CACHE = (cfg["mplcache"], env["MPLCONFIGDIR"]) if cfg["mplcache"] else None
    for path in cfg["sitepath"]:
        if path not in sys.path:
            sys.path.append(path)
    if cfg["profile"] == "standard":
        # What `site` (skipped with -S for start-up speed) would add: exit(), quit(),
        # help(), copyright, credits, license — site's own functions, so the texts are
        # python3's (importing site under -S runs none of its start-up).
        import site

        site.setquit()
        site.sethelper()
        site.setcopyright()


FONT_CACHE = None  # (the host's font-list directory, this run's MPLCONFIGDIR), or None


def provide_font_cache():
    """Called as the program imports matplotlib (figures.py), before matplotlib's code runs:
    the prebuilt font list into the run's own MPLCONFIGDIR. Not at warm-up: the fork path
    mounts each run's /tmp over the fork server's (a copy there was never seen, and every
    drawing run rebuilt the list, ~150 ms of CPU), and a run that never draws should not
    find a .config directory in its working directory."""
    global FONT_CACHE
    if FONT_CACHE is not None:
        source, target = FONT_CACHE
        FONT_CACHE = None  # once per run, however often the program looks matplotlib up
        try:
            copy_font_cache(source, target)
        except OSError:  # only speed is lost: matplotlib builds its own
            pass


def copy_font_cache(source, target):
    """matplotlib's font list, built once by the host (mpl_fontcache.py), into this run's
    writable cache directory; without it the first drawing builds it again."""
    try:
        names = [n for n in posix.listdir(source) if n.startswith("fontlist-")]
    except OSError:
        return
    if not names:
        return
    path = ""
    for part in target.strip("/").split("/"):
        path += "/" + part
        try:
            posix.mkdir(path, 0o755)
        except FileExistsError:
            pass
    for name in names:
        fd = posix.open(f"{source}/{name}", posix.O_RDONLY)
        try:
            data = b""
            while chunk := posix.read(fd, 1 << 16):
                data += chunk
        finally:
            posix.close(fd)
        write_main_file(f"{target}/{name}", data)


def user_traceback(exc, filename):
    """The traceback as Python prints it, minus the runner's own frame."""
    try:
        import linecache
        import traceback

        tb = exc.__traceback__.tb_next if exc.__traceback__ else None
        linecache.cache[filename] = (len(SOURCE), None, SOURCE.splitlines(True), filename)
        lines = traceback.format_exception(type(exc), exc, tb)
        # The runtime guard's import wrapper is ours, not the program's: python3 would
        # show no such frame.
        return "".join(x for x in lines if not x.startswith('  File "' + RUNNER_DIR))
    except BaseException:  # memory exhausted or worse: the short form still helps
        return f"{type(exc).__name__}: {exc}\n"


def report_uncaught(exc, filename):
    """What python3 does with an exception that ends the program: sys.excepthook (the
    program's own, if it set one) with the traceback minus the runner's frames. The default
    hook is the interpreter's C printer, which reads the source from the file and adds what
    the traceback module of this Python does not ("Did you mean: 'value'?"). Without a
    file on disk (the original profile's "<string>") the traceback module prints it, with
    the source from linecache."""
    if not filename.startswith("/"):
        sys.stderr.write(user_traceback(exc, filename))
        return
    without_runner_frames(exc)
    hook = sys.excepthook
    try:
        hook(type(exc), exc, exc.__traceback__)
    except BaseException as failure:
        # As python3 reports a hook that fails.
        sys.stderr.write("Error in sys.excepthook:\n")
        sys.__excepthook__(type(failure), failure, failure.__traceback__)
        sys.stderr.write("\nOriginal exception was:\n")
        sys.__excepthook__(type(exc), exc, exc.__traceback__)


def without_runner_frames(exc):
    """Unlinks the runner's frames (the exec call, the guard's import wrapper) from the
    tracebacks of `exc` and of every exception chained to or grouped in it."""
    seen = set()
    todo = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        kept = []
        tb = e.__traceback__
        while tb is not None:
            if not tb.tb_frame.f_code.co_filename.startswith(RUNNER_DIR):
                kept.append(tb)
            tb = tb.tb_next
        for a, b in zip(kept, kept[1:]):
            a.tb_next = b
        if kept:
            kept[-1].tb_next = None
        e.__traceback__ = kept[0] if kept else None
        todo += [e.__cause__, e.__context__, *(getattr(e, "exceptions", None) or ())]


def flush_streams(streams=None):
    """Flushes ours (or `streams`), each on its own: one that fails stops no other."""
    for stream in STREAMS if streams is None else streams:
        try:
            stream.flush()
        except BaseException:
            pass


STREAM_NAMES = {0: "<stdin>", 1: "<stdout>", 2: "<stderr>"}


class CountingRaw(FileIO):
    """fd 1/2 writer that counts bytes: the result reports the counts, so the host can
    answer as soon as it has read them instead of waiting for the namespace teardown. A
    FileIO, as python3's own raw stdout is (mode, closefd, isinstance, repr), and shown
    under that name: `type(sys.stdout.buffer.raw)` is what a program sees at home."""

    def __init__(self, fd):
        super().__init__(fd, "wb", closefd=False)
        self.count = 0
        # python3's sys.stdout.name and sys.stderr.name (TextIOWrapper asks the raw file).
        self.name = STREAM_NAMES.get(fd, fd)

    def write(self, data):
        n = super().write(data)
        self.count += n or 0
        return n


CountingRaw.__name__ = CountingRaw.__qualname__ = "FileIO"
CountingRaw.__module__ = "_io"


def counting_stream(fd, line_buffered, errors):
    # python3 without a locale runs in UTF-8 mode: stdout's undecodable bytes (surrogates
    # from surrogateescape) go out as the bytes they were; stderr escapes them.
    stream = TextIOWrapper(
        BufferedWriter(CountingRaw(fd)), encoding="utf-8", errors=errors,
        line_buffering=line_buffered,
    )
    stream.mode = "w"  # as io.open sets it on python3's own
    return stream


def install_stdin(data, workdir):
    """fd 0 becomes the request's stdin, as under `python3 main.py < input`: a regular
    file without a name, so sys.stdin, sys.stdin.buffer, open(0) and os.read(0) all read it."""
    if data:
        fd = anonymous_file(workdir)
        # A stdin larger than RLIMIT_FSIZE fails to write (EFBIG) instead of killing us.
        old = _signal.signal(_signal.SIGXFSZ, _signal.SIG_IGN)
        try:
            view = memoryview(data)
            while view:
                view = view[posix.write(fd, view):]
        except OSError:
            pass
        finally:
            _signal.signal(_signal.SIGXFSZ, old)
        posix.lseek(fd, 0, 0)
        posix.dup2(fd, 0)
        posix.close(fd)
    old = sys.stdin
    sys.stdin = sys.__stdin__ = open_fd0(
        getattr(old, "encoding", None) or "utf-8", getattr(old, "errors", None) or "strict"
    )


def anonymous_file(workdir):
    """A file with no name for stdin: in the run's /tmp (its tmpfs, counted in the run's
    memory), else memfd. Not memfd first: the memory watchdog's filter refuses it."""
    try:
        return posix.open(workdir or "/tmp", posix.O_TMPFILE | posix.O_RDWR, 0o600)
    except OSError:
        return posix.memfd_create("stdin", 0)


def open_fd0(encoding, errors):
    import io

    # newline="\n" as python3's own sys.stdin on POSIX: "\r\n" in the input stays "\r\n".
    stream = io.open(0, "r", encoding=encoding, errors=errors, newline="\n", closefd=False)
    stream.buffer.raw.name = STREAM_NAMES[0]  # python3's sys.stdin.name
    return stream


def send_event(event):
    """A live event (figure, input request) on fd 3, stamped with the output written so
    far: the host holds it until that output has arrived, keeping it in order with it."""
    flush_streams()
    event["stdout_bytes"] = STREAMS[0].buffer.raw.count
    event["stderr_bytes"] = STREAMS[1].buffer.raw.count
    wire.send(event)


def on_stop_signal(signum, frame):
    """The host's stop (a timeout or a cancel) or SIGXCPU: flush what the program printed
    so the response keeps it, then end with the status of the signal the host sent (the
    stop is SIGTERM to the host whichever signal carried it here). The host SIGKILLs
    shortly after in any case, so a program that blocks this only loses its unflushed
    output."""
    flush_streams()
    posix._exit(128 + (_signal.SIGTERM if signum == RUNNER_STOP else signum))


# The signal that carries the host's stop to the runner. Without a PID namespace (process
# isolation) the host SIGTERMs the runner itself. Under one the runner gets RUNNER_STOP
# instead — from the run's init (be_init), which the host SIGTERMs, or from the fork server
# (zygote.py, `term`) — so its SIGTERM keeps python3's default action: a program that
# sends itself SIGTERM dies of it with its output unflushed, as under python3.
RUNNER_STOP = _signal.SIGRTMAX
STOP_SIGNALS = (_signal.SIGTERM, _signal.SIGXCPU)


def hold_stop_signals():
    """Before a fork: a stop signal waits (blocked) instead of reaching either process
    half-way through the switch of handlers."""
    _signal.pthread_sigmask(_signal.SIG_BLOCK, STOP_SIGNALS)


def release_stop_signals():
    _signal.pthread_sigmask(_signal.SIG_UNBLOCK, STOP_SIGNALS)


def default_stop_signals():
    """In a child: the default action, then anything that arrived meanwhile is delivered.
    Python's own handler would record a signal that came before the switch and then drop
    it (its handler is SIG_DFL by the time it runs): Pool.terminate() then waited forever
    for a worker it had signalled just after the fork."""
    for signum in STOP_SIGNALS:
        _signal.signal(signum, _signal.SIG_DFL)
    release_stop_signals()


def is_interactive(fields):
    """`run <timeout> <policy> <stream> <code_len> 1`: fd 0 stays open as the input."""
    return fields[0] == "run" and len(fields) > 5 and fields[5] == "1"


class LiveInputRaw(RawIOBase):
    """fd 0 of an interactive run. Before blocking on an empty pipe it tells the host the
    program waits (with the prompt input() printed), so the client can show an input line."""

    def __init__(self, extra):
        self.extra = extra
        self.prompt = ""
        self.name = STREAM_NAMES[0]

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
        BufferedReader(LiveInputRaw(given + wire.EXTRA)), encoding="utf-8", errors="replace",
        newline="\n",
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


def new_main_module(cfg, filename):
    """A real `__main__` module in sys.modules, so unittest.main(), doctest.testmod(),
    pickling (multiprocessing) and `if __name__ == "__main__":` behave as under python3."""
    main = type(sys)("__main__")
    if cfg["profile"] == "standard":
        # python3's __main__ has these too, in this order (dir() and globals() show them).
        main.__annotations__ = {}
    main.__builtins__ = guard.make_builtins(cfg["allowed"], cfg["profile"], cfg["workdir"])
    if cfg["profile"] == "standard":
        main.__file__ = filename
        main.__cached__ = None
        if filename.startswith("/"):
            # importlib.machinery's class, from the module the interpreter always has loaded:
            # importing importlib.machinery here cost ~1 ms of every run's CPU.
            import _frozen_importlib_external

            main.__loader__ = _frozen_importlib_external.SourceFileLoader("__main__", filename)
    sys.modules["__main__"] = main
    return main


def finish_program():
    """What the interpreter does after the main module ends: wait for non-daemon threads
    (threading, ThreadPoolExecutor), then run atexit handlers (multiprocessing joins its
    children, logging flushes)."""
    threading = sys.modules.get("threading")
    if threading is not None:
        threading._shutdown()
    if posix.getpid() == RUNNER_PID:
        # Figures still open go out before atexit (pyplot's handler closes them all).
        figures.flush_open_figures()
    import atexit

    atexit._run_exitfuncs()


def end_streams():
    """What python3's shutdown does with the standard streams before its teardown: the
    current sys.stdout and sys.stderr are flushed, whatever the program made them (a
    TextIOWrapper of its own over sys.stdout.buffer, to change the encoding); then they go
    back to ours, so the program's own are freed with its other objects (release_program).
    A wrapper freed there closes the buffer it shares with ours, and text still pending in
    ours is lost, as under python3 (whose sys.__stdout__ is flushed last)."""
    flush_streams((sys.stdout, sys.stderr))
    sys.stdout, sys.stderr = STREAMS


def release_program():
    """What python3's shutdown does after atexit: __main__ leaves sys.modules and the cycle
    collector runs, so an object only the program held is finalized now — its __del__ runs
    and prints, with every global still there (PEP 442: finalizers run before anything is
    cleared) — as under python3. Cheap: the runner's own objects were frozen before the
    program started (gc.freeze() in run_user_code), so only the program's are scanned. Not
    while a thread still runs: python3 stops daemon threads before this."""
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return
    sys.modules.pop("__main__", None)
    import gc

    gc.collect()


def text_of(value):
    """str(value), or what python3 prints for an exception whose __str__ raises: the
    program's broken __str__ must not become the runner's failure."""
    try:
        return str(value)
    except BaseException:
        return "<exception str() failed>"


def exit_status(e):
    """(exit status, error) for a SystemExit, as python3 sets its exit status. Like python3,
    prints a code that is not an integer (sys.exit("message")) to stderr: status 1. An
    integer becomes the process's status as exit() makes it: its low 8 bits (256 is 0, -1
    is 255), and 255 for one beyond a C long."""
    code = e.code
    if code is None:
        return 0, None
    if isinstance(code, int):
        status = code & 0xFF if -(1 << 63) <= code < (1 << 63) else 255
        return status, (None if status == 0 else f"SystemExit: {code}")
    try:
        sys.stderr.write(f"{code}\n")
    except BaseException:
        pass
    return 1, f"SystemExit: {text_of(code)}"


def source_text(data):
    """The program's text as python3 reads its file (PEP 263): UTF-8 with a leading BOM
    dropped, or the encoding a coding declaration in its first two lines names. Only such
    a file pays for the tokenize import."""
    head = data.split(b"\n", 2)[:2]
    if data.startswith(b"\xef\xbb\xbf") or any(b"coding" in line for line in head):
        import tokenize

        try:
            encoding, _ = tokenize.detect_encoding(iter(data.splitlines(True)).__next__)
            return data.decode(encoding, "replace")
        except (SyntaxError, LookupError):
            pass  # compile() reports a declaration it cannot honour
    return data.decode("utf-8", "replace")


def run_user_code(cfg, fields, body):
    global SOURCE
    timeout_ms, enforce, stream, code_len = (int(x) for x in fields[1:5])
    data = body[:code_len]
    SOURCE = source_text(data)
    jail.set_cpu_budget(timeout_ms // 1000 + 2)
    profile = cfg["profile"]

    # Parsed from the bytes, as python3 reads a file: a BOM and a coding declaration count.
    tree, syntax = policy.parse(data)
    if enforce:
        violations = syntax or policy.check(tree, SOURCE, cfg["allowed"], profile)
        if violations:
            return {"violations": violations}
    # The verdict is final before any user code runs: the host accepts a refusal only in
    # this position, and after "ok" only a run result (escaped code can write fd 3 too).
    wire.send(VERDICT_OK)

    filename = "<string>"
    if profile == "standard":
        # As `python3 main.py` starts it: not the runner's own command line (-I -S -B and
        # its settings), and a module the program writes and imports leaves __pycache__.
        sys.argv = [MAIN_NAME]
        sys.orig_argv = ["/usr/bin/python3", MAIN_NAME]
        sys.dont_write_bytecode = False
        filename = MAIN_NAME
        workdir = cfg["workdir"]
        if workdir:
            filename = f"{workdir}/{MAIN_NAME}"
            write_main_file(filename, body[:code_len])
            sys.path.insert(0, workdir)
    else:
        sys.argv = [""]
    line_buffered = bool(stream)  # streaming wants lines promptly; batch mode wants speed
    # Our own references: user code may rebind sys.stdout after an escape. stderr is
    # line-buffered in every mode, as python3's is since 3.9 even into a pipe or a file:
    # a line written to it survives os._exit() or a death by signal, as at home.
    global STREAMS
    STREAMS = (
        counting_stream(1, line_buffered, "surrogateescape"),
        counting_stream(2, True, "backslashreplace"),
    )
    sys.stdout, sys.stderr = STREAMS
    sys.__stdout__, sys.__stderr__ = STREAMS

    interactive = is_interactive(fields)
    if interactive:
        sys.stdin = sys.__stdin__ = live_stdin(body[code_len:])
    else:
        install_stdin(body[code_len:], cfg["workdir"])
    # Everything up to here is the runner's: frozen, the collector never scans it again,
    # so release_program()'s collection after the program costs ~0.2 ms, not 3-6 ms (and no
    # copy of the fork server's pages). The main module is made after, to be collectable.
    import gc

    gc.freeze()
    main = new_main_module(cfg, filename)
    if interactive:
        table = main.__builtins__
        raw = sys.stdin.buffer.raw
        if isinstance(table, dict):
            table["input"] = with_prompt(table["input"], raw)
        else:
            table.input = with_prompt(table.input, raw)
    figures.install(send_event, before_matplotlib=provide_font_cache)
    # _signal is builtin; the `signal` module would import enum (~7 ms per start).
    for signum in STOP_SIGNALS:
        _signal.signal(signum, on_stop_signal)
    # A process the program forks (multiprocessing's workers) is not the runner: the stop
    # handler would flush the runner's output buffers, whose lock another thread may have
    # held at the fork, and wait forever. The child gets the default action, and a signal
    # sent to it right after the fork is held until then, not lost.
    posix.register_at_fork(
        before=hold_stop_signals,
        after_in_parent=release_stop_signals,
        after_in_child=default_stop_signals,
    )
    # The program's hooks (sys.setprofile, sys.settrace: a profiler, pdb) end with its
    # module, cleared in place rather than by a helper, which a profiler would see called:
    # the runner's own calls after it (finish_program, the traceback report) reached them,
    # and pdb stepped into them. A profiler still sees its own removal (c_call setprofile);
    # under python3 it sees nothing after the module's return.
    result = {"success": True, "error": None, "error_type": None}
    status = 0  # the process's exit status under python3
    global RUNNER_PID
    RUNNER_PID = runner_pid = posix.getpid()
    match_recursion_depth(RECURSION_OFFSET)
    started = perf_counter()
    try:
        if tree is None:
            compile(data, filename, "exec", dont_inherit=True)  # raises the SyntaxError
        program = compile(tree, filename, "exec", dont_inherit=True)
        frames.install(program)  # its stack ends at its module, as under python3
        forget_runner_modules()  # the program's own wire.py or policy.py is its own
        exec(program, main.__dict__)
        setprofile(None)  # the program's hooks end with its module (note above)
        settrace(None)
        finish_program()
    except SystemExit as e:
        setprofile(None)
        settrace(None)
        status, error = exit_status(e)
        if status != 0:
            result = {"success": False, "error": error, "error_type": "SystemExit"}
        try_finish_program()
    except BaseException as e:
        setprofile(None)
        settrace(None)
        elapsed = perf_counter() - started
        flush_streams()
        try:
            report_uncaught(e, filename)
        except BaseException:
            try:
                sys.stderr.write(f"{type(e).__name__}: {text_of(e)}\n")
            except BaseException:
                pass
        result = {"success": False, "error": text_of(e)[:MAX_ERROR_CHARS], "error_type": type(e).__name__}
        status = 1
        result["execution_time_ms"] = round(elapsed * 1000, 3)
        try_finish_program()
    result.setdefault("execution_time_ms", round((perf_counter() - started) * 1000, 3))
    main = table = None  # noqa: F841 (our references go before the collection)
    end_streams()
    release_program()
    if posix.getpid() != runner_pid:
        # A child the program forked with os.fork() fell off the end of the program: it
        # ends as python3 would end it, and only the runner itself reports the result.
        flush_streams()
        posix._exit(status)
    flush_streams()
    result["stdout_bytes"] = STREAMS[0].buffer.raw.count
    result["stderr_bytes"] = STREAMS[1].buffer.raw.count
    return result


def try_finish_program():
    try:
        finish_program()
    except BaseException:
        pass


def write_main_file(path, data):
    fd = posix.open(path, posix.O_WRONLY | posix.O_CREAT | posix.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[posix.write(fd, view):]
    finally:
        posix.close(fd)


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
    prepare_environment(cfg)
    for name in cfg["preimport"]:
        __import__(name)
    return cfg


# The runner's own modules: none of them is on the program's sys.path, and they leave
# sys.modules before it runs (the runner keeps its references), so that the program's own
# wire.py, policy.py or frames.py is the one it imports, and `import jail` fails as under
# python3.
RUNNER_MODULES = ("figures", "frames", "guard", "jail", "policy", "post_import",
                  "sandbox_runner", "wire")


def forget_runner_modules():
    # A function of its own, not a loop in run_user_code: CPython 3.11 quickens a code
    # object after 8 backward jumps, and a quickened run_user_code makes its call of the
    # program one recursion level cheaper than python3's (differential a09, a10, d13, f19).
    for name in RUNNER_MODULES:
        sys.modules.pop(name, None)


# The program the runner checks and compiles once before "ready" (rehearse()): the
# smallest one. A larger one (def, class, loop, comprehension, f-string) spared a def +
# loop program's run 0.1 ms more (0.2 against 0.31 ms), but cost 1.4 ms of CPU per run.
REHEARSAL = 'print("hello")\n'
RESULT_SHAPE = {"success": True, "error": None, "error_type": None, "execution_time_ms": 0.0,
                "stdout_bytes": 0, "stderr_bytes": 0}


# How deep a recursion gets from where the runner executes the program: host-paths.ts runs
# the same code at python3's top level (its `mainDepth`). The runner's own frames sit
# under the program's, so without the difference a runaway recursion would stop a few
# calls earlier than under python3 ("[Previous line repeated 987 more times]", not 996).
RECURSION_PROBE = """
def _probe():
    global _depth
    _depth += 1
    _probe()
_depth = 0
try:
    _probe()
except RecursionError:
    pass
"""
RECURSION_PROBE = compile(RECURSION_PROBE, "<recursion probe>", "exec")
PROBE_LIMIT = 120
RECURSION_OFFSET = 0


def match_recursion_depth(offset):
    """Lifts the recursion limit by `offset` (the runner's frames under the program) and
    has sys.getrecursionlimit/setrecursionlimit report and take the limit python3 would."""
    if offset <= 0:
        return
    real_get, real_set = sys.getrecursionlimit, sys.setrecursionlimit
    real_set(real_get() + offset)

    def getrecursionlimit():
        return real_get() - offset

    def setrecursionlimit(limit):
        if type(limit) is int and limit >= 1:
            real_set(limit + offset)
        else:
            real_set(limit)  # raises what python3 raises

    for ours, real in ((getrecursionlimit, real_get), (setrecursionlimit, real_set)):
        ours.__name__ = ours.__qualname__ = real.__name__
        ours.__doc__ = real.__doc__
        ours.__module__ = "sys"
    sys.getrecursionlimit, sys.setrecursionlimit = getrecursionlimit, setrecursionlimit


def rehearse_paths(cfg):
    """rehearse() without its recursion probe: what the fork server also runs before it forks
    (zygote.py settle_for_forking). Apart, so that rehearse() itself, whose call of the probe
    must be made as run_user_code() makes the program's, is never warmed up there: CPython
    rewrites a warm function's calls, and the depth measured would then be one off."""
    tree, _ = policy.parse(REHEARSAL)
    if tree is not None:
        policy.check(tree, REHEARSAL, cfg["allowed"], cfg["profile"])
        compile(tree, MAIN_NAME, "exec", dont_inherit=True)
    guard.make_builtins(cfg["allowed"], cfg["profile"])
    wire.dumps(RESULT_SHAPE)


def rehearse(cfg):
    """The policy check, the builtins and the compiler, once, on REHEARSAL. A forked runner
    shares the fork server's memory until it writes to it, and their first use in a fresh
    child touches (and so copies) hundreds of pages: 0.52 ms of a print("hello") run
    measured here, 0.07 ms after this rehearsal (which costs 0.62 ms, before "ready", off
    the run's path: +0.17 ms of CPU per run for -0.45 ms of latency). Nothing of it is
    kept: the results are dropped and no user code or data is involved."""
    rehearse_paths(cfg)
    if cfg["main_depth"]:
        # Here, called from serve() as run_user_code() is, the probe runs at the depth the
        # program will. Under a limit of PROBE_LIMIT, not 1000: the depth it reaches moves
        # one for one with the limit (checked at 12 stack depths), and the probe costs
        # 0.03 ms instead of 0.4 ms of a runner's CPU.
        global RECURSION_OFFSET
        limit = sys.getrecursionlimit()
        probe = {}
        try:
            sys.setrecursionlimit(PROBE_LIMIT)
            exec(RECURSION_PROBE, probe)
        finally:
            sys.setrecursionlimit(limit)
        RECURSION_OFFSET = cfg["main_depth"] - (probe["_depth"] + limit - PROBE_LIMIT)


def serve(cfg):
    """One runner's life from its limits on: exactly one job, then the caller exits."""
    pid1 = posix.getpid() == 1
    limits = cfg["limits"]
    if pid1:  # the init takes one of the uid's processes: the program keeps as many
        limits = dict(limits, nproc=limits["nproc"] + 1)
    jail.apply_limits(**limits)
    jail.load_seccomp(cfg["seccomp"], cfg["confine_group"], cfg["memory_watchdog"])
    if cfg["memory_watchdog"]:
        # The host's watchdog must get the CPU before the run it watches, or a busy host
        # stretches its ticks and the run's overshoot with them (inherited by children).
        posix.nice(WATCHDOG_NICE)
    if pid1:
        become_init()
    rehearse(cfg)
    wire.send({"ready": True, "seccomp": jail.seccomp_active()})
    fields, body = wire.read_job()
    if not is_interactive(fields):
        wire.close_input()
    if fields[0] == "tool":
        run_tool(cfg, fields, body)
    else:
        wire.send(run_user_code(cfg, fields, body))
    if cfg["memory_watchdog"]:
        # What the run holds now is what it ends with: the host measures it, then kills us
        # (it kills every runner once its result is in). Exiting first would free it unseen.
        _signal.pause()


# The run's init: pid 1 of its PID namespace, so that the runner is not. The kernel drops
# every signal sent to a namespace's pid 1 from inside it whose action is the default
# (SIGKILL included): a runner that was pid 1 outlived signal.alarm() without a handler,
# os.kill(os.getpid(), SIGUSR1 / SIGKILL) and abort()'s SIGABRT. As pid 2 the program's
# own signals act on it as under python3. Under bwrap alone the runner, started as pid 1,
# forks and stays as the init (become_init); the fork server makes an init and then the
# runner in each new namespace (zygote.py clone_init).
SIGNAL_SENT_BY_KILL = 0  # si_code SI_USER: kill(), tgkill() or pidfd_send_signal()


def become_init():
    """pid 1 (bwrap --as-pid-1) forks: the child goes on as the runner (pid 2) and this
    returns in it; pid 1 stays as the run's init and never returns.

    Called by serve() after the limits and the seccomp filter (the init holds them too)
    and before rehearse() and "ready": the two share their pages copy-on-write, and what
    the runner writes first is then copied once, off the run's path."""
    runner = posix.fork()
    if runner == 0:
        use_init_stop()
        return
    posix.closerange(0, 0x7FFFFFFF)
    be_init(runner)


def use_init_stop():
    """In the runner, under an init: the host's stop arrives as RUNNER_STOP."""
    global STOP_SIGNALS
    STOP_SIGNALS = (RUNNER_STOP, _signal.SIGXCPU)


def be_init(runner):
    """The run's init under bwrap alone: pid 1, which holds no descriptor and whose child
    is the runner. Never returns.

    It only waits: it reaps whatever ends up its child (the run's orphans), and when the
    runner ends it exits with the runner's status — its exit code, or 128 + N for a runner
    killed by signal N (pid 1 cannot die of a signal of its own; the host reads 128 + N as
    a death by N, as it reads bwrap's status) — and its exit ends everything left in the
    namespace, as the runner's own exit did. The host's SIGTERM (a timeout or a cancel) is
    passed on to the runner as RUNNER_STOP; the host's SIGKILL ends it and so the run.

    SECURITY: it reads nothing and acts on nothing a program can send it. Signals from
    inside the namespace with the default action never reach a pid 1, SIGINT is ignored,
    and SIGTERM is passed on only when sent from outside the namespace (si_code SI_USER
    with si_pid 0: the kernel fills both for kill(), and sigqueue, which lets the sender
    write si_pid, has si_code SI_QUEUE). Nor can a program take it over: ptrace,
    process_vm_readv/writev and pidfd_getfd are refused by the seccomp filter. It is the
    run's uid, with the runner's limits, filter, namespaces and (no) capabilities: a
    program that wrote its memory through /proc/1/mem (open() allows it for the same uid)
    would hold nothing it does not hold already. What pid 1 adds is that its exit ends the
    run, which the program can do itself, and the host kills pid 1 from outside whatever
    it does."""
    try:
        _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
        waited = (_signal.SIGCHLD, _signal.SIGTERM)
        _signal.pthread_sigmask(_signal.SIG_BLOCK, waited)
        while True:
            # Reap first: a child that ended before the mask was set sent its SIGCHLD to
            # no one (ignored by default); after it, none is missed.
            while True:
                pid, status = posix.waitpid(-1, posix.WNOHANG)
                if pid == runner:
                    posix._exit(runner_status(status))
                if pid == 0:
                    break
            info = _signal.sigwaitinfo(waited)
            if (info.si_signo == _signal.SIGTERM
                    and info.si_code == SIGNAL_SENT_BY_KILL and info.si_pid == 0):
                posix.kill(runner, RUNNER_STOP)
    finally:  # nothing above raises unless the kernel refuses: end the run
        posix._exit(RUNNER_FAILED_EXIT)


def runner_status(status):
    """The init's exit status for how the runner ended: its code, or 128 + the signal
    (the host's stop, if it ended the runner before its handler was set, as SIGTERM)."""
    if posix.WIFSIGNALED(status):
        sig = posix.WTERMSIG(status)
        return 128 + (_signal.SIGTERM if sig == RUNNER_STOP else sig)
    return posix.WEXITSTATUS(status)


def main():
    serve(warm_up(sys.argv[1:]))


SOURCE = ""
STREAMS = (sys.stdout, sys.stderr)
RUNNER_PID = 0


# Exit status of a runner that failed itself (protocol.ts RUNNER_FAILED_EXIT): any other
# status without a result is the program's own os._exit(n), reported as python3's would be.
RUNNER_FAILED_EXIT = 70


def entry():
    try:
        main()
    except BaseException as e:
        try:
            posix.write(2, f"runner failed: {type(e).__name__}: {e}\n".encode())
        except BaseException:
            pass
        posix._exit(RUNNER_FAILED_EXIT)
    finally:
        # Skip interpreter teardown and any thread user code left running.
        posix._exit(0)
