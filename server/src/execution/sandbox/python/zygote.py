"""Fork server (SANDBOX_MODE=fork): pays the interpreter's start-up once, not once per run.

Started by bwrap inside a user namespace of its own where it holds every capability (the
host maps the sandbox uid range into it). It imports the runner, then forks two processes
per `fork` command, in a new PID namespace: first its pid 1, the run's init (clone_init),
whose end ends everything in the namespace, then the runner, pid 2 — not pid 1, so that
the program's own signals (signal.alarm, os.kill(os.getpid(), ...), abort) act on it as
under python3: the kernel drops a signal with the default action sent to a namespace's
pid 1 from inside it. The runner, before any job reaches it:
  - unshares new mount, network, IPC, UTS and cgroup namespaces (so `/proc` shows only
    the run and the network is a lone loopback);
  - mounts its own /proc and a fresh size-limited tmpfs on /tmp;
  - switches to the run's own host uid (RLIMIT_NPROC then binds per run), drops every
    capability (ambient, permitted; the bounding set is this process's, emptied once at
    start), sets no_new_privs and loads the seccomp filter the host compiled;
  - keeps only its own four pipes (job, stdout, stderr, control) and then runs exactly as a
    spawned runner does (sandbox_runner.serve: limits, "ready", one job).
Jobs never pass through this process: the host writes each into the child's own pipe, so
nothing of one run is in memory the next child is forked from.

Commands on fd 0, one per line (the host is the only writer):
  fork <id> <uid>   -> "forked <id> <job_w> <out_r> <err_r> <ctl_r> <pid>" (fds of this
                       process for the host to open through /proc, and the child's pid in
                       this namespace) or "failed <id> <reason>"
  opened <id>       the host holds its own copies: this process closes its copies
  term <id>         the host's stop (a timeout, a cancel) to the runner, as RUNNER_STOP
  kill <id>         SIGKILL to the run's init: the kernel ends its whole namespace
Replies on fd 3; "exit <id> <code> <signal>" (how the runner ended) once the runner and
then its init have been reaped — the init is killed when the runner has ended, and its
end means every process of the run is gone.
"""

import _signal
import posix

# Before anything else: fds 0 (commands), 3 (replies) and 4 (the filter) are ours; bwrap's
# 5 and 6 are spent, and anything else was inherited from the server's parent. None of it
# may reach a run (each child also closes all but its own four pipes).
posix.closerange(5, 0x7FFFFFFF)

import sys  # noqa: E402

HERE = sys.argv[0].rpartition("/")[0] or "."
sys.path.insert(0, HERE)
import ctypes  # noqa: E402
import select  # noqa: E402
import signal  # noqa: E402

import jail  # noqa: E402
import sandbox_runner  # noqa: E402

sys.path.remove(HERE)

CMD_FD, REPLY_FD, FILTER_FD = 0, 3, 4
CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 0x4000, 1 << 18
PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 24, 47, 4
PR_CAPBSET_READ, CAP_SYS_ADMIN = 23, 21
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 1
LINUX_CAPABILITY_VERSION_3 = 0x20080522

libc = ctypes.CDLL(None, use_errno=True)
# Looked up here, once: ctypes makes a function's object on its first lookup, and a child
# making it would copy the pages it lands on (as would a first `CapData * 2`).
for _name in ("unshare", "mount", "socket", "ioctl", "prctl", "capset", "setns", "clone",
              "sched_getcpu"):
    getattr(libc, _name)


def check(rc, what):
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {posix.strerror(err)}")


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


CAP_DATA_V3 = CapData * 2  # version 3 takes two of them


def read_all(fd):
    chunks = []
    while True:
        chunk = posix.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def loopback_up():
    """As bwrap does for its network namespace: `lo` up, nothing else exists."""
    sock = libc.socket(2, 2, 0)  # AF_INET, SOCK_DGRAM
    if sock < 0:
        check(-1, "socket")
    try:
        req = ctypes.create_string_buffer(b"lo", 40)  # struct ifreq: name[16], flags
        check(libc.ioctl(sock, SIOCGIFFLAGS, req), "SIOCGIFFLAGS")
        flags = ctypes.c_short.from_buffer(req, 16)
        flags.value |= IFF_UP
        check(libc.ioctl(sock, SIOCSIFFLAGS, req), "SIOCSIFFLAGS")
    finally:
        posix.close(sock)


def drop_bounding_set():
    """Once, in the fork server: the bounding set only limits what an execve may gain, so
    this process keeps the capabilities it uses (unshare, mount) while every child it forks
    inherits the empty set (41 prctl calls a child saved: ~0.1 ms of CPU per run)."""
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # past the kernel's last capability
    if libc.prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) != 0:
        raise SystemExit("zygote: could not empty the capability bounding set")


def drop_capabilities():
    """In a child: the bounding set is already empty (inherited from the fork server)."""
    check(libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "ambient caps")
    data = CAP_DATA_V3()
    check(libc.capset(ctypes.byref(CapHeader(LINUX_CAPABILITY_VERSION_3, 0)), data), "capset")
    check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def load_filter(bpf):
    buf = ctypes.create_string_buffer(bpf, len(bpf))
    prog = SockFprog(len(bpf) // 8, ctypes.addressof(buf))
    check(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0), "seccomp")


# The run's init, pid 1 of its PID namespace, made just before the runner (pid 2): a
# process that shares this one's memory and descriptor table and runs nothing but pause():
# clone(CLONE_VM | CLONE_FILES) with pause as its whole program, on a small stack of its
# own. Sharing the table, it holds no descriptor of its own: a pipe this process closes
# (another run's, once the host has opened it) is closed for it too. Hand-written because
# it is made for every run: a forked copy of this process running a Python init measured
# 0.8-1.6 ms more CPU per run than no init at all (bench:sandbox-profile: copying the page
# tables, then every page its first Python writes, then tearing it all down); this one
# costs about what a thread does: +0.1-0.6 ms of CPU per run in all (mean +0.3, the fork
# server's share +0.2-0.3, bench:sandbox-profile against the code before it, 4 interleaved
# rounds of 500 runs). The fork server reaps the runner (its
# status is the run's, exactly as when the runner was pid 1) and then kills the init,
# whose end ends whatever is left in the namespace. It reaps nothing while it lives: a
# process the run orphans stays a zombie until then, as it did when the runner was pid 1.
#
# SECURITY: the init keeps this process's uid (the fork server's, outside the run uids), so
# nothing a program does reaches it: no signal (kill() needs the same uid or CAP_KILL), no
# ptrace (refused by the filter besides), no /proc/1/mem, environ, fd or root (the same uid
# or CAP_SYS_PTRACE) — what those would reach is this process's memory, which is why it
# matters. It never runs a signal handler (in this memory): it is cloned while SIGINT, the
# only signal this process handles, is ignored, and every other disposition is the
# default or ignore; the signals that stop a pid 1 from outside (SIGKILL) are the only
# ones the fork server sends it. It keeps this process's capabilities, descriptor table
# and mount and network namespaces without using any: pause() is all it ever executes,
# and it cannot fault.
CLONE_VM, CLONE_FILES = 0x00000100, 0x00000400
INIT_STACK_BYTES = 16384
PAUSE = ctypes.cast(libc.pause, ctypes.c_void_p)
CPUS = posix.sched_getaffinity(0)


def clone_init():
    """pid 1 of the namespace the last unshare(CLONE_NEWPID) made: (its pid, its stack)."""
    stack = ctypes.create_string_buffer(INIT_STACK_BYTES)
    top = ctypes.c_void_p((ctypes.addressof(stack) + INIT_STACK_BYTES) & ~15)
    sigint = _signal.signal(_signal.SIGINT, _signal.SIG_IGN)  # _signal: no enum wrapping
    # Made on this CPU and kept there (it inherits the mask): an init started on another
    # CPU is still running there, with this memory loaded, when the runner's fork
    # write-protects it, and every such fork then waits on a TLB-shootdown IPI (measured:
    # ~1 more per run at concurrency 8, on a VM where a preempted vCPU makes each slow).
    posix.sched_setaffinity(0, (libc.sched_getcpu(),))
    try:
        pid = libc.clone(PAUSE, top, CLONE_VM | CLONE_FILES | signal.SIGCHLD, None)
    finally:
        posix.sched_setaffinity(0, CPUS)
        _signal.signal(_signal.SIGINT, sigint)
    if pid < 0:
        check(-1, "clone(init)")
    return pid, stack


def child_main(cfg, bpf, uid, fds):
    """The forked runner: pid 2 of its new PID namespace. Never returns."""
    sandbox_runner.use_init_stop()
    try:
        for target, fd in enumerate(fds):  # all >= 5: 0-4 stay open in the zygote
            posix.dup2(fd, target)
        posix.closerange(4, 0x7FFFFFFF)
        check(libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
                           | CLONE_NEWCGROUP), "unshare")
        check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate")
        check(libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None),
              "mount /proc")
        opts = f"size={cfg['tmpfs']},mode=0755,uid={uid},gid={uid}".encode()
        check(libc.mount(b"tmpfs", b"/tmp", b"tmpfs", MS_NOSUID | MS_NODEV, opts), "mount /tmp")
        if cfg["shm"]:  # POSIX semaphores (multiprocessing): a /dev/shm of this run's own
            opts = f"size={cfg['shm']},mode=1777".encode()
            check(libc.mount(b"tmpfs", b"/dev/shm", b"tmpfs", MS_NOSUID | MS_NODEV, opts),
                  "mount /dev/shm")
        posix.chdir("/tmp")
        loopback_up()
        # stdout and stderr are pipes this process made, 0600 and ours: writable by others
        # too, so that the run's uid can open them again by name (/dev/stdout, /proc/self/
        # fd/1) as at home. No one else can: a pipe has no name but /proc/<pid>/fd, which
        # only the run itself (its uid, its pid namespace) can follow. The owner stays ours
        # (the host opens the read ends as that uid, also when it is not root).
        for fd in (1, 2):
            posix.fchmod(fd, 0o622)
        posix.setgroups([])
        posix.setresgid(uid, uid, uid)
        posix.setresuid(uid, uid, uid)
        drop_capabilities()
        load_filter(bpf)
        sandbox_runner.serve(cfg)
    except BaseException as e:  # before "ready": the host reports this as a start failure
        try:
            posix.write(2, f"runner setup failed: {type(e).__name__}: {e}\n".encode())
        except BaseException:
            pass
        posix._exit(sandbox_runner.RUNNER_FAILED_EXIT)
    posix._exit(0)


class Child:
    """One run: its runner and its init (pid 1), each reaped through a pidfd."""

    __slots__ = ("id", "pid", "pidfd", "init", "init_pidfd", "init_stack", "fds", "reaped",
                 "opened", "status")

    def __init__(self, cid, pid, pidfd, init, init_pidfd, init_stack, fds):
        self.id, self.pid, self.pidfd, self.fds = cid, pid, pidfd, fds
        self.init, self.init_pidfd, self.init_stack = init, init_pidfd, init_stack
        self.reaped = self.opened = False
        self.status = 0


def reply(text):
    data = (text + "\n").encode()
    while data:
        data = data[posix.write(REPLY_FD, data):]


def send(pidfd, sig):
    """A signal to a child not yet reaped (one that has ended takes it and ignores it)."""
    try:
        signal.pidfd_send_signal(pidfd, sig)
    except ProcessLookupError:
        pass


def close_all(fds):
    for fd in fds:
        if fd >= 0:
            posix.close(fd)


class Zygote:
    def __init__(self, cfg, bpf):
        self.cfg, self.bpf = cfg, bpf
        self.own_pidns = posix.open("/proc/self/ns/pid", posix.O_RDONLY | posix.O_CLOEXEC)
        self.children = {}  # id -> Child
        self.by_pidfd = {}
        self.poller = select.poll()
        self.poller.register(CMD_FD, select.POLLIN)

    def fork(self, cid, uid):
        pipes = [posix.pipe() for _ in range(4)]  # job, stdout, stderr, control
        ours = [pipes[0][1], pipes[1][0], pipes[2][0], pipes[3][0]]
        theirs = [pipes[0][0], pipes[1][1], pipes[2][1], pipes[3][1]]
        # The next child is pid 1 of a new PID namespace (the init), the one after it pid
        # 2 (the runner); afterwards children go back to ours, so the next unshare can make
        # another.
        init = 0
        try:
            check(libc.unshare(CLONE_NEWPID), "unshare(CLONE_NEWPID)")
            init, stack = clone_init()
            pid = posix.fork()
        except OSError:
            close_all(ours + theirs)
            libc.setns(self.own_pidns, CLONE_NEWPID)
            if init:
                posix.kill(init, signal.SIGKILL)
                posix.waitpid(init, 0)
            raise
        if pid == 0:
            child_main(self.cfg, self.bpf, uid, theirs)
        check(libc.setns(self.own_pidns, CLONE_NEWPID), "setns(pid)")
        close_all(theirs)
        pidfd = posix.pidfd_open(pid)
        init_pidfd = posix.pidfd_open(init)
        child = Child(cid, pid, pidfd, init, init_pidfd, stack, ours)
        self.children[cid] = child
        self.by_pidfd[pidfd] = child
        self.by_pidfd[init_pidfd] = child
        self.poller.register(pidfd, select.POLLIN)
        self.poller.register(init_pidfd, select.POLLIN)
        # The child's pid here lets the host find it (its memory cgroup) before any job.
        reply(f"forked {cid} {' '.join(map(str, ours))} {pid}")

    def reap(self, child, pidfd):
        """The runner ended (its status is the run's): its init is killed, which ends
        whatever is left in the namespace, and the run is reported ended once the init has
        been reaped too — in a later wake-up, not by waiting here: the init's end waits for
        the kernel to tear down every process the run left (their memory freed, up to
        RLIMIT_NPROC of them), and this process serves every other run meanwhile, so a run
        that leaves a heavy namespace behind must not hold their forks up. The init cannot
        end before the runner (nothing signals it until then, and it runs only pause());
        if it did, the runner's reap would still come and report the run."""
        if pidfd == child.pidfd:
            _, status = posix.waitpid(child.pid, 0)
            self.forget_pidfd(child.pidfd)
            child.pidfd = -1
            child.status = status
            if child.init_pidfd >= 0:
                send(child.init_pidfd, signal.SIGKILL)
                return
        else:
            self.forget_pidfd(pidfd)
            posix.waitpid(child.init, 0)
            child.init_pidfd = -1
            child.init_stack = None
            if child.pidfd >= 0:
                return  # the runner is still to be reaped: it reports the run
        status = child.status
        child.reaped = True
        code = posix.WEXITSTATUS(status) if posix.WIFEXITED(status) else -1
        sig = posix.WTERMSIG(status) if posix.WIFSIGNALED(status) else 0
        reply(f"exit {child.id} {code} {sig}")
        self.forget_if_done(child)

    def forget_pidfd(self, pidfd):
        self.poller.unregister(pidfd)
        del self.by_pidfd[pidfd]
        posix.close(pidfd)

    def forget_if_done(self, child):
        # The fd numbers stay ours until the host has opened them, so that a number the
        # host is about to open can never already belong to another run's pipe.
        if child.reaped and child.opened:
            close_all(child.fds)
            del self.children[child.id]

    def command(self, line):
        verb, _, rest = line.partition(" ")
        args = rest.split(" ")
        if verb == "fork":
            try:
                self.fork(args[0], int(args[1]))
            except OSError as e:
                reply(f"failed {args[0]} {e}")
            return
        child = self.children.get(args[0])
        if child is None:
            return
        if verb == "opened":
            child.opened = True
            # The host holds its own end of the job pipe now. Ours must go at once, or an
            # interactive run never sees end of input when the host closes its end.
            posix.close(child.fds[0])
            child.fds[0] = -1
            self.forget_if_done(child)
        elif verb == "term" and child.pidfd >= 0:
            send(child.pidfd, sandbox_runner.RUNNER_STOP)
        elif verb == "kill" and child.init_pidfd >= 0:
            send(child.init_pidfd, signal.SIGKILL)

    def serve(self):
        reply("ready")
        pending = b""
        while True:
            for fd, _ in self.poller.poll():
                if fd != CMD_FD:
                    self.reap(self.by_pidfd[fd], fd)
                    continue
                chunk = posix.read(CMD_FD, 65536)
                if not chunk:
                    return  # the host went away: as pid 1, our exit ends every child
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    self.command(line.decode("ascii"))


def main():
    cfg = sandbox_runner.warm_up(sys.argv[1:])
    extra = dict(arg.split("=", 1) for arg in sys.argv[1:])
    cfg["tmpfs"] = int(extra.get("tmpfs", 32 << 20))
    cfg["shm"] = int(extra.get("shm", 0))
    cfg["seccomp"] = ""  # children load the host's compiled filter, not libseccomp's
    bpf = read_all(FILTER_FD)
    if not bpf or len(bpf) % 8:
        raise SystemExit("zygote: no seccomp filter on fd 4")
    # fd 4 stays taken (now /dev/null) so every pipe this process makes is numbered >= 5.
    null = posix.open("/dev/null", posix.O_RDONLY)
    posix.dup2(null, FILTER_FD)
    posix.close(null)
    posix.closerange(5, 0x7FFFFFFF)
    drop_bounding_set()
    settle_for_forking(cfg)
    Zygote(cfg, bpf).serve()


# Times the runner's own path runs here before the first fork: CPython 3.11 rewrites a
# function's bytecode in place as it warms up (counters, then specialised instructions).
REHEARSALS = 16


def settle_for_forking(cfg):
    """Every page a forked runner writes is copied (a copy-on-write fault), so what the
    runner would write anyway is written here once: the runner's own path is run until its
    bytecode is specialised, and every object made so far is frozen out of the collector
    (gc.freeze: a collection in a runner or in this process scans, and so writes, only the
    objects made after it)."""
    import gc

    for _ in range(REHEARSALS):
        sandbox_runner.rehearse_paths(cfg)
    gc.collect()
    gc.freeze()


if __name__ == "__main__":
    try:
        main()
    finally:
        posix._exit(1)
