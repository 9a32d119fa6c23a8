// The ToolRunner port: how the analysis area runs a trusted Python tool module (e.g.
// static_analyzer) — `Sandbox.runTool` in every process that analyses code. Tests and
// benchmarks without a sandbox use a plain child process instead
// (server/test/helpers/local-tool-runner.ts), with the same calling convention.
import { fileURLToPath } from "node:url";

export type ToolRunner = (module: string, payload: unknown, timeoutMs: number) => Promise<unknown>;

/** The analyser's Python modules (the sandbox mounts them; the local runner reads them). */
export const ANALYZER_PYTHON_DIR = fileURLToPath(new URL("./python", import.meta.url));
