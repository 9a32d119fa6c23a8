// Reads the two Big-O values out of a model's Markdown answer. Models are asked for a
// fenced JSON block, but they also answer with bare objects, single quotes, trailing
// commas, several blocks, or only prose; every one of those must still yield a value or a
// clear error. This module never throws.

import { normalizeComplexity } from "./complexity-notation.js";

export interface ParsedComplexity {
  success: boolean;
  time_complexity: string | null;
  space_complexity: string | null;
  /** The answer without the machine-readable JSON block, for display. */
  narrative: string;
  error: string | null;
}

const FENCE = /```[ \t]*([A-Za-z0-9_-]*)[^\n]*\n([\s\S]*?)```/g;
const TIME_KEYS = ["time_complexity", "timecomplexity", "time", "time complexity"];
const SPACE_KEYS = ["space_complexity", "spacecomplexity", "space", "space complexity"];
const MAX_ANSWER_CHARS = 200_000;
const MAX_PROSE_HEADINGS = 32;

export function parseComplexityAnswer(answer: unknown): ParsedComplexity {
  if (typeof answer !== "string" || answer.trim() === "") {
    return failure("The model returned an empty answer", "");
  }
  const text = answer.length > MAX_ANSWER_CHARS ? answer.slice(0, MAX_ANSWER_CHARS) : answer;
  const blocks = candidateBlocks(text);
  let time: string | null = null;
  let space: string | null = null;
  let used: Block | undefined;
  // The last block wins: models restate or correct themselves at the end.
  for (const block of [...blocks].reverse()) {
    const fields = readFields(block.body);
    const t = normalizeComplexity(fields.time);
    if (t !== null) {
      time = t;
      space = normalizeComplexity(fields.space);
      used = block;
      break;
    }
  }
  const narrative = (used?.fenced ? text.replace(used.raw, "") : text).trim();
  time ??= fromProse(text, "time");
  space ??= fromProse(text, "space");
  if (time === null) {
    const why =
      blocks.length > 0
        ? "The model's JSON block has no usable time_complexity"
        : "The model's answer contains no complexity JSON block and no Big-O value in its prose";
    return failure(why, narrative);
  }
  return { success: true, time_complexity: time, space_complexity: space, narrative, error: null };
}

function failure(error: string, narrative: string): ParsedComplexity {
  return { success: false, time_complexity: null, space_complexity: null, narrative, error };
}

interface Block {
  raw: string;
  body: string;
  fenced: boolean;
}

/** Fenced blocks that mention a complexity key, then bare {...} objects that do. */
function candidateBlocks(text: string): Block[] {
  const out: Block[] = [];
  for (const m of text.matchAll(FENCE)) {
    const body = m[2] ?? "";
    const lang = (m[1] ?? "").toLowerCase();
    if (lang === "python" || lang === "py") continue;
    if (/complexity|"time"|'time'/i.test(body)) out.push({ raw: m[0], body, fenced: true });
  }
  if (out.length > 0) return out;
  for (const body of bareObjects(text)) {
    if (/complexity|"time"|'time'/i.test(body)) out.push({ raw: body, body, fenced: false });
  }
  return out;
}

/** Top-level {...} spans, balanced by brace count (strings are not special-cased). */
function bareObjects(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{") {
      if (depth++ === 0) start = i;
    } else if (c === "}" && depth > 0 && --depth === 0) {
      out.push(text.slice(start, i + 1));
    }
  }
  return out;
}

function readFields(body: string): { time: unknown; space: unknown } {
  const parsed = lenientJson(body);
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
    const flat = flatten(parsed as Record<string, unknown>);
    return { time: pick(flat, TIME_KEYS), space: pick(flat, SPACE_KEYS) };
  }
  return { time: keyByRegex(body, "time"), space: keyByRegex(body, "space") };
}

/** Keys lower-cased, nested objects ({"complexity": {"time": …}}) lifted to the top. */
function flatten(
  obj: Record<string, unknown>,
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const [key, value] of Object.entries(obj)) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      flatten(value as Record<string, unknown>, out);
    } else {
      out[key.toLowerCase().replace(/-/g, "_")] ??= value;
    }
  }
  return out;
}

function pick(flat: Record<string, unknown>, keys: string[]): unknown {
  for (const key of keys) if (key in flat) return flat[key];
  return undefined;
}

function lenientJson(body: string): unknown {
  const start = body.indexOf("{");
  const end = body.lastIndexOf("}");
  if (start < 0 || end <= start) return undefined;
  const raw = body.slice(start, end + 1);
  const attempts = [
    raw,
    raw
      .replace(/\/\/[^\n]*/g, "")
      .replace(/,\s*([}\]])/g, "$1")
      // Unquoted keys. Words joined by single runs of spaces, so no run of spaces can be
      // split two ways (the lazy `[\w ]*?\s*:` was quadratic: 2 s on 30 KB of spaces).
      .replace(/([{,]\s*)([A-Za-z_]\w*(?: +\w+)*)\s*:/g, '$1"$2":')
      .replace(/'([^'\n]*)'/g, '"$1"')
      .replace(/""([^"]+)""/g, '"$1"'),
  ];
  for (const attempt of attempts) {
    try {
      return JSON.parse(attempt);
    } catch {
      // next, more forgiving attempt
    }
  }
  return undefined;
}

function keyByRegex(body: string, which: "time" | "space"): string | undefined {
  const re = new RegExp(
    `${which}[ _-]?(?:complexity)?["']?\\s*[:=]\\s*["'\`]?([^"'\`\\n,}]+)`,
    "i",
  );
  return re.exec(body)?.[1]?.trim();
}

/** "## Time Complexity\n\n**O(n)**" or "time complexity is O(n)": the first Big-O after
 * the heading or phrase, within a short window so the other section is not read. */
function fromProse(text: string, which: "time" | "space"): string | null {
  const re = new RegExp(`${which}[ -]complexit(?:y|ies)`, "gi");
  // A real answer names each heading a few times; an answer repeating it thousands of times
  // would cost a 400-character window each (issue 10 item 2), so only the first few count.
  let seen = 0;
  for (const m of text.matchAll(re)) {
    if (++seen > MAX_PROSE_HEADINGS) break;
    const window = text.slice(m.index + m[0].length, m.index + m[0].length + 400);
    const other = window.search(
      new RegExp(`${which === "time" ? "space" : "time"}[ -]complexit`, "i"),
    );
    const value = normalizeComplexity(other >= 0 ? window.slice(0, other) : window);
    if (value !== null && /[OoΘθΩ]\s*\(/.test(window)) return value;
  }
  return null;
}
