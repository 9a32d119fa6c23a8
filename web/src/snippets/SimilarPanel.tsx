// "Similar snippets" for the open snippet (/search/similar/{id}).

import { useEffect, useState } from "react";
import { messageOf } from "../api/errors";
import type { Api } from "../api/http";
import type { SearchHit } from "../api/types";
import { ErrorLine, Spinner } from "../ui/common";
import { HitList } from "./SnippetsPanel";

export function SimilarPanel({
  api,
  snippetId,
  version,
  onOpen,
}: {
  api: Api;
  snippetId: string | null;
  /** bump to refetch (after a save or an analysis) */
  version: number;
  onOpen: (id: string) => void;
}) {
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is a refetch trigger
  useEffect(() => {
    if (!snippetId) {
      setHits(null);
      return;
    }
    let live = true;
    setLoading(true);
    setError(null);
    api
      .similar(snippetId, 5)
      .then(
        (r) => live && setHits(r.similar.filter((h) => h.snippet_id !== snippetId)),
        (err) => live && setError(messageOf(err)),
      )
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [api, snippetId, version]);

  if (!snippetId) return null;
  return (
    <section className="panel similar-panel" aria-labelledby="similar-heading">
      <div className="panel-head">
        <h2 id="similar-heading">Similar snippets</h2>
        <Spinner active={loading} label="Finding similar…" />
      </div>
      <ErrorLine message={error} />
      {hits && <HitList hits={hits} onOpen={onOpen} ranked emptyText="No similar snippets yet." />}
    </section>
  );
}
