// Postgres caps a NOTIFY payload below 8000 bytes, while an execution_result may carry
// a megabyte of output. A message is therefore cut into numbered fragments
// ("<id>:<index>:<count>:<text>") that the listening side puts back together.
import { randomBytes } from "node:crypto";

/** Bytes of text per fragment, leaving room for the header under the 8000-byte limit. */
export const FRAGMENT_BYTES = 7000;
const HEADER_RE = /^([a-z0-9]+):(\d+):(\d+):/;

/** Cuts `text` into pieces of at most `maxBytes` UTF-8 bytes, never inside a surrogate pair. */
export function splitUtf8(text: string, maxBytes = FRAGMENT_BYTES): string[] {
  if (Buffer.byteLength(text) <= maxBytes) return [text];
  const parts: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + maxBytes);
    while (Buffer.byteLength(text.slice(start, end)) > maxBytes) {
      end = start + Math.max(1, Math.floor((end - start) * 0.75));
    }
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff && end - start > 1) end -= 1;
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts;
}

export function toFragments(text: string): string[] {
  const id = randomBytes(8).toString("hex");
  const parts = splitUtf8(text);
  return parts.map((p, i) => `${id}:${i}:${parts.length}:${p}`);
}

interface Pending {
  parts: (string | undefined)[];
  got: number;
  startedAt: number;
}

/** Reassembles fragments; incomplete messages are dropped after `ttlMs` (their sender died). */
export class FragmentAssembler {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns the whole text once its last fragment arrives, else undefined. */
  add(payload: string): string | undefined {
    const m = HEADER_RE.exec(payload);
    if (!m) return undefined;
    const [header, id, indexText, countText] = m as unknown as [string, string, string, string];
    const index = Number(indexText);
    const count = Number(countText);
    const text = payload.slice(header.length);
    if (count === 1) return text;
    if (index >= count || count > 10_000) return undefined;
    this.expire();
    let entry = this.pending.get(id);
    if (!entry) {
      entry = { parts: new Array(count), got: 0, startedAt: this.now() };
      this.pending.set(id, entry);
    }
    if (entry.parts[index] === undefined) {
      entry.parts[index] = text;
      entry.got += 1;
    }
    if (entry.got < count) return undefined;
    this.pending.delete(id);
    return entry.parts.join("");
  }

  private expire(): void {
    const limit = this.now() - this.ttlMs;
    for (const [id, p] of this.pending) if (p.startedAt < limit) this.pending.delete(id);
  }
}
