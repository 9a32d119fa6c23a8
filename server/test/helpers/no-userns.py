"""Runs a command as Lambda runs a function: a non-root user whose kernel refuses new user
namespaces. Usage (as root): no-userns.py UID GID COMMAND [ARG...]

A seccomp filter (inherited across exec and fork, never removable) makes unshare() and
clone() with CLONE_NEWUSER fail with EPERM, and clone3 with ENOSYS so that libc and bwrap
fall back to the clone() the filter can inspect; setns() is refused too. libseccomp sets
no_new_privs first, so no setuid binary (a setuid bwrap included) regains privileges.
Then the process drops to UID/GID with no supplementary groups and execs COMMAND."""

import os
import sys

import seccomp

EPERM = 1
ENOSYS = 38
CLONE_NEWUSER = 0x10000000


def main():
    uid, gid, command = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    f.add_rule(seccomp.ERRNO(EPERM), "unshare")
    f.add_rule(seccomp.ERRNO(EPERM), "setns")
    f.add_rule(seccomp.ERRNO(EPERM), "clone",
               seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER))
    f.add_rule(seccomp.ERRNO(ENOSYS), "clone3")
    f.load()
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    os.execvp(command[0], command)


main()
