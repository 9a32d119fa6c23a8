// The live events of one run (protocol.ts runEventSchema): validated, capped, and each
// delivered only once the output written before it has been read and handed over, so a
// figure lands between the lines printed before and after it.
import type { OutputCollector } from "./output-collector.js";
import { MAX_FIGURE_BYTES, MAX_FIGURES, type RunEvent, runEventSchema } from "./protocol.js";
import type { Figure } from "./sandbox.js";

export interface RunEventHandlers {
  onFigure?: (f: Figure) => void;
  onInputRequest?: (prompt: string) => void;
}

export class RunEvents {
  readonly figures: Figure[] = [];
  /** Figures were dropped at the caps (by the runner or here). */
  truncated = false;
  private figureBytes = 0;
  private readonly held: RunEvent[] = [];
  private taken = 0;

  constructor(
    private readonly output: Pick<OutputCollector, "received" | "flush">,
    private readonly handlers: RunEventHandlers = {},
  ) {}

  /** Takes the new entries of the control reader's `events`, then delivers what it can. */
  take(events: readonly unknown[]): void {
    for (; this.taken < events.length; this.taken++) {
      const e = runEventSchema.safeParse(events[this.taken]);
      if (e.success) this.held.push(e.data); // anything else is a forgery: dropped
    }
    this.deliver();
  }

  /** Delivers held events whose preceding output has arrived; `all` at the end of a run. */
  deliver(all = false): void {
    let flushed = false;
    while (this.held.length > 0) {
      const e = this.held[0] as RunEvent;
      const { received } = this.output;
      if (!all && (received.stdout < e.stdout_bytes || received.stderr < e.stderr_bytes)) return;
      if (!flushed) {
        this.output.flush();
        flushed = true;
      }
      this.held.shift();
      this.apply(e);
    }
  }

  private apply(e: RunEvent): void {
    if (e.event === "input") {
      this.handlers.onInputRequest?.(e.prompt);
      return;
    }
    if (e.event === "figures_truncated") {
      this.truncated = true;
      return;
    }
    if (e.event === "figure") {
      if (
        this.figures.length >= MAX_FIGURES ||
        this.figureBytes + e.data.length > MAX_FIGURE_BYTES
      ) {
        this.truncated = true;
        return;
      }
      const figure: Figure = { mime_type: e.mime_type, data: e.data };
      this.figureBytes += e.data.length;
      this.figures.push(figure);
      this.handlers.onFigure?.(figure);
    }
  }
}
