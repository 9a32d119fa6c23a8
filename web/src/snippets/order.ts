// Snippet list order, as the server sorts it: starred first, then most recently updated.

import type { SnippetSummary } from "../api/types";

function time(s: string | null | undefined): number {
  const t = s ? Date.parse(s) : Number.NaN;
  return Number.isNaN(t) ? 0 : t;
}

export function compareSnippets(a: SnippetSummary, b: SnippetSummary): number {
  if (a.is_starred !== b.is_starred) return a.is_starred ? -1 : 1;
  const d = time(b.updated_at) - time(a.updated_at);
  if (d !== 0) return d;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function sortSnippets<T extends SnippetSummary>(list: readonly T[]): T[] {
  return [...list].sort(compareSnippets);
}

/** Inserts or replaces by id, keeping the order. Extra fields (code) are dropped. */
export function upsertSnippet(
  list: readonly SnippetSummary[],
  s: SnippetSummary,
): SnippetSummary[] {
  const { code: _code, ...summary } = s as SnippetSummary & { code?: string };
  return sortSnippets([...list.filter((x) => x.id !== s.id), summary]);
}

export function removeSnippet(list: readonly SnippetSummary[], id: string): SnippetSummary[] {
  return list.filter((x) => x.id !== id);
}

export function snippetTitle(s: { title: string | null }): string {
  return s.title?.trim() || "Untitled snippet";
}

export function relativeTime(iso: string | null, now = Date.now()): string {
  if (!iso) return "never";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "never";
  const s = Math.round((now - t) / 1000);
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 30) return `${d} d ago`;
  return new Date(t).toLocaleDateString();
}
