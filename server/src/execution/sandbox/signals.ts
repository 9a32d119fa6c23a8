// Small process helpers for warm-process.ts: signalling, finding bwrap's child, and
// reading how a process ended.
import { readFileSync } from "node:fs";
import { constants } from "node:os";

export function signal(pid: number, sig: NodeJS.Signals = "SIGKILL"): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false; // already gone
  }
}

export function childPids(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8");
    return text.split(" ").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function signalNumber(
  exitCode: number | null,
  signalCode: NodeJS.Signals | null,
): number | null {
  if (signalCode) return constants.signals[signalCode] ?? null;
  // bwrap, and the run's init under bwrap alone (sandbox_runner.py be_init), report a
  // child killed by signal N as exit status 128 + N.
  if (exitCode !== null && exitCode > 128) return exitCode - 128;
  return null;
}

/** What a run that died of a signal is told: which limit or filter ended it, or what broke. */
export interface SignalDeath {
  errorType: "ResourceLimitExceeded" | "ProcessKilled";
  error: string;
}

const MIB = 1024 * 1024;

/**
 * Every signal whose default action ends a process, and what it means in a run. The limits
 * (RLIMIT_CPU, RLIMIT_FSIZE, the tmpfs sizes, the C stack) are the sandbox's, so the person
 * learns which one their program met; the rest say what broke. Real-time signals (34–64)
 * can only come from the program itself.
 */
const FATAL: Record<number, string> = {
  1: "a hangup (SIGHUP) without a handler",
  2: "an interrupt (SIGINT) without a handler",
  3: "a quit signal (SIGQUIT)",
  4: "an illegal instruction in native code (SIGILL)",
  5: "a trap (SIGTRAP): a breakpoint instruction in native code",
  6: "an abort (SIGABRT): the interpreter or a native library gave up, often when it could not allocate memory under the sandbox's memory limit",
  7: "a bus error (SIGBUS): memory mapped from a file that is cut short, typically a file in /tmp or /dev/shm written through mmap after that tmpfs reached its size limit",
  8: "an arithmetic fault in native code (SIGFPE)",
  9: "SIGKILL",
  10: "a user signal (SIGUSR1) without a handler",
  11: "a segmentation fault (SIGSEGV): a crash in native code, or the C stack (8 MiB) exhausted by deep recursion",
  12: "a user signal (SIGUSR2) without a handler",
  13: "a write to a pipe or socket with no reader (SIGPIPE)",
  14: "an alarm without a handler (SIGALRM: signal.alarm or setitimer)",
  15: "SIGTERM",
  16: "a coprocessor stack fault (SIGSTKFLT)",
  26: "a virtual timer without a handler (SIGVTALRM: setitimer)",
  27: "a profiling timer without a handler (SIGPROF: setitimer)",
  29: "an I/O signal without a handler (SIGIO)",
  30: "a power-failure signal (SIGPWR)",
  31: "the sandbox's system-call filter (SIGSYS): the program made a system call that is not allowed",
};

export function deathBySignal(
  sig: number,
  limits: { cpuSeconds: number; maxFileBytes: number },
): SignalDeath {
  if (sig === constants.signals.SIGXCPU) {
    return {
      errorType: "ResourceLimitExceeded",
      error: `CPU time limit exceeded: the program used its ${limits.cpuSeconds} s of CPU time (RLIMIT_CPU, SIGXCPU)`,
    };
  }
  if (sig === constants.signals.SIGXFSZ) {
    return {
      errorType: "ResourceLimitExceeded",
      error: `File size limit exceeded: a file grew past ${limits.maxFileBytes / MIB} MiB (RLIMIT_FSIZE, SIGXFSZ)`,
    };
  }
  const why =
    FATAL[sig] ??
    (sig >= 34 && sig <= 64
      ? `a real-time signal (SIGRTMIN+${sig - 34}) without a handler`
      : `signal ${sig}`);
  return { errorType: "ProcessKilled", error: `The program was terminated by ${why}` };
}
