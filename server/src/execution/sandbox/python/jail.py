"""Process limits and the seccomp filter, applied by the runner to itself before it
accepts a job, so every byte of user code runs under them (the OS layer of SECURITY.md)."""

import resource
import sys

EPERM = 1
ENOSYS = 38

# Syscalls a Python program never needs and that widen the kernel attack surface or
# reach outside the sandbox. Denied with EPERM so code sees a clean OSError.
DENIED = (
    "ptrace process_vm_readv process_vm_writev kcmp "
    "mount umount2 pivot_root chroot move_mount open_tree fsopen fsconfig fsmount fspick "
    "mount_setattr unshare setns keyctl add_key request_key bpf perf_event_open "
    "kexec_load kexec_file_load init_module finit_module delete_module swapon swapoff "
    "reboot userfaultfd io_uring_setup io_uring_enter io_uring_register personality "
    "acct quotactl quotactl_fd syslog iopl ioperm settimeofday clock_settime clock_adjtime "
    "adjtimex vhangup name_to_handle_at open_by_handle_at lookup_dcookie fanotify_init "
    "pidfd_getfd memfd_secret"
).split()
CLONE_NEW_FLAGS = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000,
                   0x20000000, 0x40000000, 0x00000080)  # NEWNS UTS IPC USER PID NET CGROUP TIME
CLONE_PARENT = 0x00008000
# Socket buffers are kernel memory a cgroup v1 does not charge and the memory watchdog does
# not see: a run may not raise them above the host's defaults (SO_SNDBUF, SO_RCVBUF and
# their FORCE forms at SOL_SOCKET; wmem_max here lets one socket hold 8 MiB otherwise).
SOL_SOCKET = 1
SOCKET_BUFFER_OPTIONS = (7, 8, 32, 33)
# The process level without a uid of its own (a non-root worker, e.g. in Lambda): the run's
# process group is the only handle on what it started, so nothing may leave it — no new
# session or group, and no child made a sibling of the runner (outside its subtree).
GROUP_ESCAPES = "setsid setpgid".split()
# Under the memory watchdog (no memory cgroup): memory the host cannot see in any process's
# mappings — memfd pages and SysV shared memory that no process has attached, SysV message
# queues. A Python program needs none of them (POSIX shared memory is /dev/shm, counted).
SHARED_MEMORY = "memfd_create shmget shmat msgget".split()
# Also under the watchdog: TCP sockets (AF_INET, AF_INET6 with SOCK_STREAM, whatever flags
# are or'ed into the type). The kernel grows a connection's buffers by itself (tcp_wmem /
# tcp_rmem, 4 and 32 MiB here), so no count of sockets bounds their bytes; a cgroup bounds
# them (memory-limit.ts), the watchdog cannot. Unix and UDP sockets keep their default
# buffers and are counted by the host.
TCP_DOMAINS = (2, 10)  # AF_INET, AF_INET6
SOCK_TYPE_MASK = 0xF
SOCK_STREAM = 1


def apply_limits(address_space, nproc, fsize, nofile, cpu_seconds):
    limits = (
        (resource.RLIMIT_AS, address_space),
        (resource.RLIMIT_NPROC, nproc),
        (resource.RLIMIT_FSIZE, fsize),
        (resource.RLIMIT_NOFILE, nofile),
        (resource.RLIMIT_CORE, 0),
        # The C stack of the main thread: deep recursion ends in RecursionError or, after
        # an escape that lifts the recursion limit, a segfault of this process only.
        (resource.RLIMIT_STACK, 8 * 1024 * 1024),
        # Hard cap; the soft limit is lowered per job from its timeout.
        (resource.RLIMIT_CPU, cpu_seconds),
    )
    for which, value in limits:
        resource.setrlimit(which, (value, value))


def set_cpu_budget(seconds):
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    soft = min(seconds, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def build_filter(seccomp, confine_group=False, deny_shared_memory=False):
    f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    extra = (GROUP_ESCAPES if confine_group else []) + (SHARED_MEMORY if deny_shared_memory else [])
    for name in DENIED + extra:
        try:
            f.add_rule(seccomp.ERRNO(EPERM), name)
        except Exception:  # syscall unknown to this libseccomp/arch: nothing to deny
            pass
    # clone() creating namespaces is unshare() by another name.
    for flag in CLONE_NEW_FLAGS:
        f.add_rule(seccomp.ERRNO(EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    # clone3 passes flags in memory a filter cannot inspect; ENOSYS makes libc fall back
    # to clone(), which the rules above do inspect.
    f.add_rule(seccomp.ERRNO(ENOSYS), "clone3")
    for option in SOCKET_BUFFER_OPTIONS:
        f.add_rule(seccomp.ERRNO(EPERM), "setsockopt",
                   seccomp.Arg(1, seccomp.EQ, SOL_SOCKET), seccomp.Arg(2, seccomp.EQ, option))
    if confine_group:
        f.add_rule(seccomp.ERRNO(EPERM), "clone",
                   seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_PARENT, CLONE_PARENT))
    if deny_shared_memory:
        for domain in TCP_DOMAINS:
            f.add_rule(seccomp.ERRNO(EPERM), "socket", seccomp.Arg(0, seccomp.EQ, domain),
                       seccomp.Arg(1, seccomp.MASKED_EQ, SOCK_TYPE_MASK, SOCK_STREAM))
    return f


def load_seccomp(module_dir, confine_group=False, deny_shared_memory=False):
    """Loads the deny-list filter (the process isolation level; under bwrap the host
    compiles it once and bwrap installs it before exec). False without python3-seccomp,
    except that a run confined to its process group must not start without it.
    libseccomp sets no_new_privs first, so nothing the run executes gains privileges."""
    if not module_dir:
        if confine_group:
            raise RuntimeError("process isolation without a uid of its own needs python3-seccomp")
        return False
    sys.path.insert(0, module_dir)
    try:
        import seccomp
    except ImportError:
        if confine_group:
            raise
        return False
    finally:
        sys.path.remove(module_dir)
    build_filter(seccomp, confine_group, deny_shared_memory).load()
    return True


def seccomp_active():
    """True when a seccomp filter guards this process, whoever installed it."""
    with open("/proc/self/status", "rb") as f:
        return b"Seccomp:\t2" in f.read()


if __name__ == "__main__":
    # python3 -I jail.py [noshm]: the filter compiled to BPF on stdout, for bwrap --seccomp
    # (the host keeps it in memory: no file a killed server could leave behind); noshm adds
    # the memory watchdog's rules.
    import seccomp

    sys.stdout.flush()
    build_filter(seccomp, deny_shared_memory="noshm" in sys.argv[1:]).export_bpf(sys.stdout)
