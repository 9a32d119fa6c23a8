// Text that crosses the API boundary (issue 10 item 4). Two rules, applied as a class:
// - Inbound: a string with a NUL character or an unpaired UTF-16 surrogate is refused (422)
//   before any handler sees it — PostgreSQL text and jsonb cannot store NUL, and an unpaired
//   surrogate is not Unicode; both are refused, never silently altered.
// - Outbound: text the server did not write (program output, error messages) is made
//   well-formed before it is stored or sent: an unpaired surrogate becomes the text `\udcff`
//   (Python's own `backslashreplace`, which the runner already uses for stdout). NUL is valid
//   Unicode and is kept: jsonb columns go through `toJsonb`/`fromJsonb`, which store it
//   losslessly.
// Hand-written: a few lines over String.prototype.isWellFormed/toWellFormed (Node 20).

/** The first bad string in a parsed JSON value: its path and why. */
export interface BadText {
  path: (string | number)[];
  reason: string;
}

const NUL = "\u0000";

declare global {
  interface String {
    /** ES2024, in Node 20; not in the ES2022 lib this project compiles against. */
    isWellFormed(): boolean;
  }
}

function textProblem(s: string): string | undefined {
  if (s.includes(NUL)) return "must not contain NUL (\\u0000) characters";
  if (!s.isWellFormed()) return "must be valid Unicode (an unpaired surrogate was found)";
  return undefined;
}

/** A container met while walking: where it sits (its key and the container it is in). */
interface Step {
  value: object;
  key?: string | number;
  parent?: Step;
}

function pathTo(step: Step | undefined, last: string | number, base: (string | number)[]) {
  const keys: (string | number)[] = [last];
  for (let s = step; s?.key !== undefined; s = s.parent) keys.push(s.key);
  return [...base, ...keys.reverse()];
}

/**
 * Walks a parsed JSON value (object keys included) for a string that cannot be accepted.
 * Each container's own keys and strings are checked in order before the containers in it
 * are entered, so the first bad string of the shallowest container holding one is
 * reported. With its own stack, not recursion: JSON.parse accepts nesting far deeper than
 * the call stack (a body of 100,000 nested arrays overflowed it: a 500). Only containers
 * are queued and the path is built only for the string reported: a 1 MB body of small
 * objects is walked in a fraction of the time the recursive walk took (it blocked the
 * event loop for 100+ ms per request).
 */
export function findBadText(value: unknown, path: (string | number)[] = []): BadText | undefined {
  if (typeof value === "string") {
    const reason = textProblem(value);
    return reason ? { path, reason } : undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  const stack: Step[] = [{ value }];
  const inner: Step[] = [];
  for (let step = stack.pop(); step; step = stack.pop()) {
    const v = step.value;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (typeof item === "string") {
          const reason = textProblem(item);
          if (reason) return { path: pathTo(step, i, path), reason };
        } else if (item !== null && typeof item === "object") {
          inner.push({ value: item, key: i, parent: step });
        }
      }
    } else {
      const record = v as Record<string, unknown>;
      for (const k of Object.keys(record)) {
        const keyReason = textProblem(k);
        if (keyReason) return { path: pathTo(step, k, path), reason: keyReason };
        const item = record[k];
        if (typeof item === "string") {
          const reason = textProblem(item);
          if (reason) return { path: pathTo(step, k, path), reason };
        } else if (item !== null && typeof item === "object") {
          inner.push({ value: item, key: k, parent: step });
        }
      }
    }
    // Entered next in document order (the stack pops the last pushed first).
    while (inner.length > 0) stack.push(inner.pop() as Step);
  }
  return undefined;
}

/** An unpaired surrogate → its `\uXXXX` escape as text; everything else unchanged. */
export function wellFormed(s: string): string {
  if (s.isWellFormed()) return s;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += s.slice(i, i + 2);
        i++;
        continue;
      }
    }
    out += c >= 0xd800 && c <= 0xdfff ? `\\u${c.toString(16)}` : s[i];
  }
  return out;
}

/** For a text column (error summaries): well-formed, NUL shown as `\0`. */
export function textColumn(s: string): string {
  return wellFormed(s).replaceAll(NUL, "\\0");
}

/** `wellFormed` over every string of a JSON-like value (objects and arrays rebuilt only when
 * something changed, so the common case allocates nothing). */
export function wellFormedDeep<T>(value: T): T {
  if (typeof value === "string") return wellFormed(value) as T;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const w = wellFormedDeep(v);
      if (w !== v) changed = true;
      return w;
    });
    return (changed ? out : value) as T;
  }
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const w = wellFormedDeep(v);
      if (w !== v) changed = true;
      out[k] = w;
    }
    return (changed ? out : value) as T;
  }
  return value;
}

// jsonb rejects \u0000 in strings. A string holding NUL is stored as {"$nul": [parts]} (the
// string split at each NUL) and joined back on read. Stored values are the server's own
// shapes (ExecutionResponse, requests), whose keys never start with "$", so the marker
// cannot collide with data; strings without NUL are stored unchanged.
const NUL_KEY = "$nul";

export function toJsonb<T>(value: T): unknown {
  if (typeof value === "string")
    return value.includes(NUL) ? { [NUL_KEY]: value.split(NUL) } : value;
  if (Array.isArray(value)) return value.map((v) => toJsonb(v));
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJsonb(v);
    return out;
  }
  return value;
}

export function fromJsonb<T = unknown>(value: unknown): T {
  if (Array.isArray(value)) return value.map((v) => fromJsonb(v)) as T;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]?.[0] === NUL_KEY) {
      const parts = entries[0][1];
      if (Array.isArray(parts) && parts.every((p) => typeof p === "string"))
        return parts.join(NUL) as T;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) out[k] = fromJsonb(v);
    return out as T;
  }
  return value as T;
}
