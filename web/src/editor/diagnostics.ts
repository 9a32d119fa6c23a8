// Security violations (line 1-based, column 0-based) → CodeMirror lint diagnostics.

import type { SecurityViolation } from "../api/types";

export interface Span {
  from: number;
  to: number;
}

/** Where a violation sits in a document given its lines; clamps to what exists. */
export function violationSpan(
  lines: readonly string[],
  v: Pick<SecurityViolation, "line" | "column">,
): Span {
  const lineNo = Math.min(Math.max(1, Math.floor(v.line) || 1), Math.max(1, lines.length));
  let start = 0;
  for (let i = 0; i < lineNo - 1; i++) start += (lines[i]?.length ?? 0) + 1;
  const text = lines[lineNo - 1] ?? "";
  const col = Math.min(Math.max(0, Math.floor(v.column) || 0), text.length);
  // Underline from the column to the end of the token (or line) so it is visible.
  const rest = text.slice(col);
  const word = /^[\w.]+/.exec(rest)?.[0].length ?? 0;
  const len = word > 0 ? word : Math.max(1, rest.trimEnd().length);
  return { from: start + col, to: Math.min(start + text.length, start + col + len) };
}
