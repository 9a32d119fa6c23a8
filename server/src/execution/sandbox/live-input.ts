// Standard input typed while a program runs (an interactive run): the caller writes and
// closes it, the sandbox attaches the runner's fd 0 once the run starts. What arrives
// before that is kept, in order; a close is remembered. The total is capped so a client
// cannot make the server buffer without bound for a program that never reads.

export interface InputSink {
  write(data: string): void;
  end(): void;
}

/** Bytes of input one run accepts over its life. */
export const MAX_LIVE_INPUT_BYTES = 1 << 20;

export class LiveInput {
  private sink: InputSink | undefined;
  private readonly early: string[] = [];
  private bytes = 0;
  closed = false;

  /** False when refused: the input is closed or the run's cap is reached. */
  write(data: string): boolean {
    if (this.closed) return false;
    const n = Buffer.byteLength(data);
    if (this.bytes + n > MAX_LIVE_INPUT_BYTES) return false;
    this.bytes += n;
    if (data.length === 0) return true;
    if (this.sink) this.sink.write(data);
    else this.early.push(data);
    return true;
  }

  /** End of input: the program's next read gets EOF. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink?.end();
  }

  attach(sink: InputSink): void {
    this.sink = sink;
    for (const data of this.early.splice(0)) sink.write(data);
    if (this.closed) sink.end();
  }
}
