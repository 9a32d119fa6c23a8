// `npm run bench:search-models`: how well each installed embedding model (and the offline
// embedder) retrieves on its own — vectors only, no full text, no filters — on the dev and
// held-out parts of the labelled set. This is the measurement behind the default model
// (docs/search.md). Models missing from .models/ are fetched first (`node
// scripts/fetch-model.mjs --all`).
import { performance } from "node:perf_hooks";
import { cosine, type Embedder } from "../server/src/search/embedder.js";
import { MODEL_CATALOG, ModelEmbedder } from "../server/src/search/model/model-embedder.js";
import { OfflineEmbedder } from "../server/src/search/offline-embedder.js";
import { parseQueryRules } from "../server/src/search/query-rules.js";
import {
  isPart,
  loadQueries,
  loadSimilarPairs,
  loadSnippets,
  type Part,
  QUERY_FAMILIES,
} from "./datasets/search/dataset.js";

async function evaluate(embedder: Embedder, part: Part) {
  const snippets = loadSnippets(part);
  const t0 = performance.now();
  const vectors = await embedder.embedDocuments(
    snippets.map((s) => ({
      title: s.title,
      description: null,
      code: s.code,
      language: s.language,
    })),
  );
  const perDoc = (performance.now() - t0) / snippets.length;
  const byFamily = new Map<string, number[]>();
  const noMatchTop: number[] = [];
  const relevantTop: number[] = [];
  for (const q of loadQueries(part)) {
    const text = parseQueryRules(q.q).text || q.q;
    const qv = await embedder.embedQuery(text);
    const ranked = snippets
      .map((s, i) => ({ id: s.id, score: cosine(qv, vectors[i] as number[]) }))
      .sort((a, b) => b.score - a.score);
    if (q.relevant.length === 0) {
      noMatchTop.push(ranked[0]?.score ?? 0);
      continue;
    }
    const rel = new Set(q.relevant);
    const hit = ranked.slice(0, 5).filter((r) => rel.has(r.id)).length;
    const list = byFamily.get(q.family) ?? [];
    list.push(hit / Math.min(5, rel.size));
    byFamily.set(q.family, list);
    relevantTop.push(ranked.find((r) => rel.has(r.id))?.score ?? 0);
  }
  let found = 0;
  let pairs = 0;
  const index = new Map(snippets.map((s, i) => [s.id, i]));
  for (const [a, b] of loadSimilarPairs(part)) {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const xi = index.get(x) as number;
      const near = snippets
        .map((s, i) => ({
          id: s.id,
          score: i === xi ? -2 : cosine(vectors[xi] as number[], vectors[i] as number[]),
        }))
        .sort((p, q) => q.score - p.score)
        .slice(0, 3)
        .map((r) => r.id);
      pairs++;
      if (near.includes(y)) found++;
    }
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const all = [...byFamily.values()].flat();
  const fam = QUERY_FAMILIES.filter((f) => byFamily.has(f))
    .map((f) => `${f} ${mean(byFamily.get(f) as number[]).toFixed(2)}`)
    .join(", ");
  const sorted = [...relevantTop].sort((a, b) => a - b);
  console.log(
    `  ${part.padEnd(7)} recall@5 ${mean(all).toFixed(3)} (${fam}); similar@3 ${(found / pairs).toFixed(2)}; ` +
      `best cosine: relevant median ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(2)}, p10 ${(sorted[Math.floor(sorted.length / 10)] ?? 0).toFixed(2)}; ` +
      `no-match max ${Math.max(...noMatchTop).toFixed(2)}, median ${[...noMatchTop].sort()[Math.floor(noMatchTop.length / 2)]?.toFixed(2)}; ` +
      `${perDoc.toFixed(1)} ms/snippet`,
  );
}

// SEARCH_BENCH_PARTS=dev measures only the part tuned on; SEARCH_BENCH_MODELS=a,b only those.
const parts = (
  process.env.SEARCH_BENCH_PARTS?.split(",") ?? ["dev", "holdout", "holdout2", "holdout3"]
).filter(isPart);
const onlyModels = process.env.SEARCH_BENCH_MODELS?.split(",");
const embedders: Embedder[] = onlyModels ? [] : [new OfflineEmbedder()];
for (const name of Object.keys(MODEL_CATALOG.models)) {
  if (onlyModels && !onlyModels.includes(name)) continue;
  const m = ModelEmbedder.load({ name });
  if (m) embedders.push(m);
  else console.log(`${name}: not installed (node scripts/fetch-model.mjs ${name})`);
}
for (const e of embedders) {
  console.log(e.model);
  for (const part of parts) await evaluate(e, part);
  await e.close?.();
}
