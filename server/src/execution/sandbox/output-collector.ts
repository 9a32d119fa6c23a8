// Collects a run's stdout and stderr apart, capped at maxBytes in total so a flood never
// buffers unbounded here, and streams them to onOutput in batches (a chunk per read is
// too chatty for a WebSocket, a chunk per run is not live).
import type { OutputChunk } from "./sandbox.js";

type StreamName = OutputChunk["stream"];
const BATCH_BYTES = 8192;
const BATCH_MS = 25;

export class OutputCollector {
  private readonly kept: Record<StreamName, Buffer[]> = { stdout: [], stderr: [] };
  private readonly pending: Record<StreamName, string> = { stdout: "", stderr: "" };
  private readonly decoders: Record<StreamName, TextDecoder> = {
    stdout: new TextDecoder("utf-8"),
    stderr: new TextDecoder("utf-8"),
  };
  private total = 0;
  /** Bytes read per stream, including any beyond the cap. */
  readonly received: Record<StreamName, number> = { stdout: 0, stderr: 0 };
  private timer: NodeJS.Timeout | undefined;
  truncated = false;

  constructor(
    private readonly maxBytes: number,
    private readonly onOverflow: () => void,
    private readonly onOutput?: (c: OutputChunk) => void,
  ) {}

  push(stream: StreamName, chunk: Buffer): void {
    this.received[stream] += chunk.length;
    if (this.truncated) return;
    let data = chunk;
    if (this.total + data.length > this.maxBytes) {
      data = data.subarray(0, this.maxBytes - this.total);
      this.truncated = true;
    }
    this.total += data.length;
    if (data.length > 0) {
      this.kept[stream].push(data);
      if (this.onOutput) this.queue(stream, data);
    }
    if (this.truncated) this.onOverflow();
  }

  private queue(stream: StreamName, data: Buffer): void {
    this.pending[stream] += this.decoders[stream].decode(data, { stream: true });
    if (this.pending[stream].length >= BATCH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  /** Hands over the live output batched so far (before an event that must follow it). */
  flush(end = false): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const stream of ["stdout", "stderr"] as const) {
      if (end) this.pending[stream] += this.decoders[stream].decode();
      const data = this.pending[stream];
      this.pending[stream] = "";
      if (data && this.onOutput) this.onOutput({ stream, data });
    }
  }

  /** Final texts; undecodable bytes become U+FFFD so the result is always valid JSON. */
  finish(): { stdout: string; stderr: string; truncated: boolean } {
    if (this.onOutput) this.flush(true);
    return {
      stdout: Buffer.concat(this.kept.stdout).toString("utf8"),
      stderr: Buffer.concat(this.kept.stderr).toString("utf8"),
      truncated: this.truncated,
    };
  }
}
