// The snippets side panel: natural-language search, a complexity filter, and the list
// (starred first) with open, star, delete-with-confirmation, run stats and complexity badges.

import { type FormEvent, useState } from "react";
import { messageOf } from "../api/errors";
import type { Api } from "../api/http";
import type { SearchHit, SnippetSummary } from "../api/types";
import { ErrorLine, Spinner } from "../ui/common";
import { relativeTime, snippetTitle } from "./order";

interface Props {
  api: Api;
  items: SnippetSummary[];
  loading: boolean;
  error: string | null;
  openId: string | null;
  onOpen: (id: string) => void;
  onStar: (id: string) => void;
  onDelete: (id: string) => Promise<void>;
}

type Filter = { type: "time" | "space"; value: string };

export function SnippetsPanel({
  api,
  items,
  loading,
  error,
  openId,
  onOpen,
  onStar,
  onDelete,
}: Props) {
  const [query, setQuery] = useState("");
  const [search, setSearch] = useState<{
    method: string;
    results: SearchHit[];
    query: string;
  } | null>(null);
  const [searching, setSearching] = useState(false);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [filter, setFilter] = useState<Filter | null>(null);
  const [filtered, setFiltered] = useState<SearchHit[] | null>(null);
  const [filtering, setFiltering] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);

  async function runSearch(e: FormEvent) {
    e.preventDefault();
    const q = query.trim();
    if (q.length < 3) {
      setSearchError("Type at least 3 characters to search.");
      return;
    }
    setSearching(true);
    setSearchError(null);
    try {
      const r = await api.search(q, 10);
      setSearch({ method: r.method, results: r.results, query: r.query ?? q });
    } catch (err) {
      setSearchError(messageOf(err));
    } finally {
      setSearching(false);
    }
  }

  async function applyFilter(f: Filter) {
    setFilter(f);
    setFiltering(true);
    setSearchError(null);
    try {
      const r = await api.searchComplexity(f.value, f.type, 20);
      setFiltered(r.results);
    } catch (err) {
      setFiltered([]);
      setSearchError(messageOf(err));
    } finally {
      setFiltering(false);
    }
  }

  function clearFilter() {
    setFilter(null);
    setFiltered(null);
  }

  return (
    <aside className="sidebar" aria-label="Snippets">
      <form className="search" aria-label="Search snippets" onSubmit={runSearch}>
        <label htmlFor="search-input" className="visually-hidden">
          Search your snippets
        </label>
        <input
          id="search-input"
          type="search"
          placeholder="e.g. sorting algorithms"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button type="submit" disabled={searching}>
          Search
        </button>
      </form>
      <Spinner active={searching} label="Searching…" />
      <ErrorLine message={searchError} />
      {search && (
        <section className="results" aria-label="Search results" data-testid="search-results">
          <div className="results-head">
            <span>
              {search.results.length} {search.results.length === 1 ? "result" : "results"} · method{" "}
              <strong data-testid="search-method">{search.method}</strong>
            </span>
            <button type="button" className="link" onClick={() => setSearch(null)}>
              Clear
            </button>
          </div>
          <HitList
            hits={search.results}
            onOpen={onOpen}
            ranked
            emptyText="No snippets match that search."
          />
        </section>
      )}
      {filter && (
        <section className="results" aria-label="Complexity filter" data-testid="filter-results">
          <div className="results-head">
            <span>
              {filter.type === "time" ? "Time" : "Space"} {filter.value}
            </span>
            <button type="button" className="link" onClick={clearFilter}>
              Clear filter
            </button>
          </div>
          <Spinner active={filtering} label="Filtering…" />
          {filtered && (
            <HitList
              hits={filtered}
              onOpen={onOpen}
              emptyText="No snippets have that complexity."
            />
          )}
        </section>
      )}

      <div className="list-head">
        <h2 id="snippets-heading">My snippets</h2>
        <Spinner active={loading} label="Loading…" />
      </div>
      <ErrorLine message={error} />
      {!loading && !items.length && !error && (
        <p className="muted small">No saved snippets yet. Save the program to keep it.</p>
      )}
      <ul className="snippet-list" aria-labelledby="snippets-heading" data-testid="snippet-list">
        {items.map((s) => {
          const title = snippetTitle(s);
          return (
            <li
              key={s.id}
              className={s.id === openId ? "snippet open" : "snippet"}
              data-testid="snippet-item"
            >
              <div className="snippet-row">
                <button
                  type="button"
                  className={s.is_starred ? "star on" : "star"}
                  aria-pressed={s.is_starred}
                  aria-label={`Star ${title}`}
                  onClick={() => onStar(s.id)}
                >
                  {s.is_starred ? "★" : "☆"}
                </button>
                <button
                  type="button"
                  className="snippet-open"
                  aria-current={s.id === openId ? "true" : undefined}
                  onClick={() => onOpen(s.id)}
                >
                  {title}
                </button>
                <button
                  type="button"
                  className="icon danger"
                  aria-label={`Delete ${title}`}
                  onClick={() => setConfirming(s.id)}
                >
                  ✕
                </button>
              </div>
              <div className="snippet-meta small muted">
                Ran {s.execution_count} {s.execution_count === 1 ? "time" : "times"} · last run{" "}
                {relativeTime(s.last_execution_at)}
              </div>
              {(s.time_complexity || s.space_complexity) && (
                <div className="badges">
                  {s.time_complexity && (
                    <button
                      type="button"
                      className="badge badge-info as-button"
                      onClick={() => applyFilter({ type: "time", value: s.time_complexity ?? "" })}
                    >
                      Time {s.time_complexity}
                      <span className="visually-hidden">
                        : show snippets with this time complexity
                      </span>
                    </button>
                  )}
                  {s.space_complexity && (
                    <button
                      type="button"
                      className="badge badge-neutral as-button"
                      onClick={() =>
                        applyFilter({ type: "space", value: s.space_complexity ?? "" })
                      }
                    >
                      Space {s.space_complexity}
                      <span className="visually-hidden">
                        : show snippets with this space complexity
                      </span>
                    </button>
                  )}
                </div>
              )}
              {confirming === s.id && (
                <div className="confirm" role="alertdialog" aria-label={`Delete ${title}?`}>
                  <span>Delete “{title}”? This can't be undone.</span>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => {
                      setConfirming(null);
                      void onDelete(s.id);
                    }}
                  >
                    Delete
                  </button>
                  <button type="button" ref={(b) => b?.focus()} onClick={() => setConfirming(null)}>
                    Cancel
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </aside>
  );
}

export function HitList({
  hits,
  onOpen,
  ranked = false,
  emptyText,
}: {
  hits: SearchHit[];
  onOpen: (id: string) => void;
  ranked?: boolean;
  emptyText: string;
}) {
  if (!hits.length) return <p className="muted small">{emptyText}</p>;
  const List = ranked ? "ol" : "ul";
  return (
    <List className="hits">
      {hits.map((h) => (
        <li key={h.snippet_id}>
          <button type="button" className="link hit" onClick={() => onOpen(h.snippet_id)}>
            {snippetTitle(h)}
          </button>
          <span className="small muted">
            {[
              h.time_complexity && `time ${h.time_complexity}`,
              typeof h.score === "number" && `score ${h.score.toFixed(2)}`,
            ]
              .filter(Boolean)
              .join(" · ")}
          </span>
        </li>
      ))}
    </List>
  );
}
