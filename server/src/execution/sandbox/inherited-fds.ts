// Descriptors this process inherited without close-on-exec from whoever started the
// server (a shell, a supervisor, CI): Node keeps them and libuv passes every one of them
// on to each child it spawns, through bwrap into the runner. Node itself opens everything
// close-on-exec, so an open descriptor above 2 without that flag is one we never asked
// for. The sandbox host closes them before it starts any sandbox (the runner closes all
// but its own four again, first thing: python/runner.py). Hand-written: Node has no
// fcntl(), and /proc/self/fdinfo is where Linux says which descriptors have the flag.
import { closeSync, readdirSync, readFileSync } from "node:fs";

const O_CLOEXEC = 0o2000000;

/** Closes every descriptor above 2 that lacks close-on-exec; returns their numbers. */
export function closeInheritedDescriptors(): number[] {
  const closed: number[] = [];
  let names: string[];
  try {
    names = readdirSync("/proc/self/fd");
  } catch {
    return closed; // no /proc: nothing we can tell apart
  }
  for (const name of names) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd <= 2) continue;
    let flags: number;
    try {
      const info = readFileSync(`/proc/self/fdinfo/${fd}`, "utf8");
      flags = Number.parseInt(/^flags:\s*([0-7]+)$/m.exec(info)?.[1] ?? "", 8);
    } catch {
      continue; // closed meanwhile (the directory listing's own descriptor)
    }
    if (Number.isNaN(flags) || (flags & O_CLOEXEC) !== 0) continue;
    try {
      closeSync(fd);
      closed.push(fd);
    } catch {
      // gone already
    }
  }
  return closed;
}
