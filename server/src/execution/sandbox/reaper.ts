// For the process isolation level, where no pid namespace bounds the tree: at the end of
// a run, SIGKILL whatever still runs under the run's uid (e.g. a child that left the
// process group with setsid) before the uid is handed to the next runner.
import { readdirSync, readFileSync } from "node:fs";

/** Pids whose real uid is in [base, base + count). */
export function pidsOfUids(base: number, count: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${entry}/status`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    if (uid >= base && uid < base + count) found.push(Number(entry));
  }
  return found;
}

/** Pids in process group `pgid` (field 5 of /proc/<pid>/stat, after the command name). */
export function pidsOfGroup(pgid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid) found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** Tasks (threads included) running under `uid`: what RLIMIT_NPROC counts. */
export function tasksOfUid(uid: number): number {
  let tasks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) !== uid) continue;
      tasks += Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 1);
    } catch {
      // exited while we looked
    }
  }
  return tasks;
}

export function killUid(uid: number): void {
  for (const pid of pidsOfUids(uid, 1)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
