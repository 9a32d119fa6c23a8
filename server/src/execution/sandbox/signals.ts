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
  // bwrap reports a child killed by signal N as exit status 128 + N.
  if (exitCode !== null && exitCode > 128) return exitCode - 128;
  return null;
}
