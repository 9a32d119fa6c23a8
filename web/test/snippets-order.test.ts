import { describe, expect, it } from "vitest";
import type { SnippetSummary } from "../src/api/types";
import {
  relativeTime,
  removeSnippet,
  snippetTitle,
  sortSnippets,
  upsertSnippet,
} from "../src/snippets/order";

const s = (id: string, updated: string, starred = false): SnippetSummary => ({
  id,
  title: id,
  language: "python",
  description: null,
  is_starred: starred,
  execution_count: 0,
  last_execution_at: null,
  time_complexity: null,
  space_complexity: null,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: updated,
});

describe("snippet list ordering", () => {
  it("puts starred first, then most recently updated", () => {
    const list = [
      s("old", "2026-01-01T00:00:00Z"),
      s("new", "2026-01-03T00:00:00Z"),
      s("starred-old", "2025-12-01T00:00:00Z", true),
      s("mid", "2026-01-02T00:00:00Z"),
    ];
    expect(sortSnippets(list).map((x) => x.id)).toEqual(["starred-old", "new", "mid", "old"]);
  });

  it("re-sorts when a snippet is starred (upsert replaces by id and drops code)", () => {
    const list = sortSnippets([s("a", "2026-01-03T00:00:00Z"), s("b", "2026-01-01T00:00:00Z")]);
    const starred = { ...s("b", "2026-01-01T00:00:00Z", true), code: "print(1)" };
    const next = upsertSnippet(list, starred);
    expect(next.map((x) => x.id)).toEqual(["b", "a"]);
    expect(next).toHaveLength(2);
    expect("code" in (next[0] as object)).toBe(false);
  });

  it("moves an edited snippet to the top of the unstarred group", () => {
    const list = sortSnippets([s("a", "2026-01-03T00:00:00Z"), s("b", "2026-01-01T00:00:00Z")]);
    expect(upsertSnippet(list, s("b", "2026-01-04T00:00:00Z")).map((x) => x.id)).toEqual([
      "b",
      "a",
    ]);
  });

  it("removes by id", () => {
    expect(removeSnippet([s("a", "x"), s("b", "y")], "a").map((x) => x.id)).toEqual(["b"]);
  });

  it("names untitled snippets and formats relative times", () => {
    expect(snippetTitle({ title: "  " })).toBe("Untitled snippet");
    const now = Date.parse("2026-01-01T12:00:00Z");
    expect(relativeTime(null, now)).toBe("never");
    expect(relativeTime("2026-01-01T11:59:50Z", now)).toBe("just now");
    expect(relativeTime("2026-01-01T11:50:00Z", now)).toBe("10 min ago");
    expect(relativeTime("2026-01-01T09:00:00Z", now)).toBe("3 h ago");
  });
});
