// Turns the sandbox's stream of output pieces into few, ordered execution_output messages.
// Leading-edge throttle: a print after a quiet spell goes out at once (live feel, low
// latency), a burst is coalesced for `flushMs` or until `maxBytes` (never one message per
// byte). Adjacent pieces of the same stream merge; a stream switch keeps the order.

export interface OutputPiece {
  stream: "stdout" | "stderr";
  data: string;
}

export interface OutputBatcherOptions {
  emit(piece: OutputPiece): Promise<void>;
  flushMs?: number;
  maxBytes?: number;
}

export class OutputBatcher {
  private pending: OutputPiece[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastFlushAt = 0;
  /** Emits are chained so messages leave in order even when emit is slow. */
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private readonly flushMs: number;
  private readonly maxBytes: number;

  constructor(private readonly opts: OutputBatcherOptions) {
    this.flushMs = opts.flushMs ?? 30;
    this.maxBytes = opts.maxBytes ?? 16 * 1024;
  }

  push(piece: OutputPiece): void {
    if (piece.data.length === 0) return;
    const last = this.pending.at(-1);
    if (last && last.stream === piece.stream) last.data += piece.data;
    else this.pending.push({ ...piece });
    this.pendingBytes += piece.data.length;
    if (this.timer && this.pendingBytes < this.maxBytes) return;
    const wait = this.lastFlushAt + this.flushMs - Date.now();
    if (wait <= 0 || this.pendingBytes >= this.maxBytes) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends the output so far, then `emit` (a message that must follow that output). */
  after(emit: () => Promise<void>): void {
    this.flush();
    this.chain = this.chain.then(() =>
      emit().catch((err: unknown) => {
        this.failure ??= err;
      }),
    );
  }

  /** Sends what is left and resolves when every message has been handed over. */
  async finish(): Promise<void> {
    this.flush();
    await this.chain;
    if (this.failure) throw this.failure;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const pieces = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.lastFlushAt = Date.now();
    for (const piece of pieces) {
      for (let i = 0; i < piece.data.length; i += this.maxBytes) {
        const part = { stream: piece.stream, data: piece.data.slice(i, i + this.maxBytes) };
        this.chain = this.chain.then(() =>
          this.opts.emit(part).catch((err: unknown) => {
            this.failure ??= err;
          }),
        );
      }
    }
  }
}
