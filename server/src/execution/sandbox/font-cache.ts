// matplotlib's font list, built once per host inside a sandbox (python/mpl_fontcache.py) and
// kept in a directory every sandbox binds read-only and copies at warm-up: without it each
// run that draws rebuilds the list (~150 ms of CPU). The directory's name depends on the
// interpreter and the bound packages, so another install never reads a stale list.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import { z } from "zod";
import type { HostPaths } from "./host-paths.js";
import { encodeToolJob, toolResultSchema } from "./protocol.js";
import type { WarmProcess } from "./warm-process.js";

const BUILD_TIMEOUT_MS = 30_000;
const resultSchema = z
  .object({ name: z.string().regex(/^fontlist-v\d+\.json$/), text: z.string().max(4 << 20) })
  .nullable();

/** The cache directory for these paths (created, world-readable), or undefined without matplotlib. */
export function fontCacheDir(paths: HostPaths): string | undefined {
  if (!paths.packages.includes("matplotlib")) return undefined;
  const key = createHash("sha256")
    .update(JSON.stringify([paths.executable, paths.extra]))
    .digest("hex")
    .slice(0, 16);
  const dir = join(tmpdir(), `code-remote-mplcache-${key}`);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  return dir;
}

export function hasFontCache(dir: string): boolean {
  return readdirSync(dir).some((n) => n.startsWith("fontlist-"));
}

/** Builds the list in one sandbox of `launcher` and stores it; failures only cost speed. */
export async function buildFontCache(
  dir: string,
  spawn: () => WarmProcess,
  logger: Logger,
): Promise<void> {
  const proc = spawn();
  try {
    await proc.ready;
    const raw = await proc.execute(encodeToolJob("mpl_fontcache", {}, BUILD_TIMEOUT_MS), {
      timeoutMs: BUILD_TIMEOUT_MS,
      maxOutputBytes: 64 * 1024,
    });
    const parsed = toolResultSchema.safeParse(raw.message);
    if (!parsed.success || !parsed.data.ok)
      throw new Error(`font cache tool failed: ${raw.stderr}`);
    const value = resultSchema.parse(parsed.data.value);
    if (!value) return;
    const tmp = join(dir, `.${value.name}.${process.pid}`);
    writeFileSync(tmp, value.text, { mode: 0o644 });
    renameSync(tmp, join(dir, value.name)); // atomic: a concurrent start reads all or nothing
  } catch (e) {
    logger.warn({ err: e }, "matplotlib font cache not built; runs that draw build their own");
  } finally {
    proc.kill();
    await proc.closed;
  }
}
