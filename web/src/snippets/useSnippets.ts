// The snippet list, kept ordered client-side after each change so it never waits for a refetch.

import { useCallback, useEffect, useState } from "react";
import { messageOf } from "../api/errors";
import type { Api } from "../api/http";
import type { SnippetSummary } from "../api/types";
import { removeSnippet, sortSnippets, upsertSnippet } from "./order";

export function useSnippets(api: Api) {
  const [items, setItems] = useState<SnippetSummary[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      const list = await api.listSnippets(100);
      setItems(sortSnippets(list.items));
      setError(null);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setLoading(false);
    }
  }, [api]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const upsert = useCallback((s: SnippetSummary) => setItems((l) => upsertSnippet(l, s)), []);
  const remove = useCallback((id: string) => setItems((l) => removeSnippet(l, id)), []);

  return { items, loading, error, refresh, upsert, remove };
}
