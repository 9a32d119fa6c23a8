// `npm run bench:search`: search quality and latency per index adapter, offline embedder.
//  - quality: the labelled set (bench/datasets/search: 154 snippets, 40 queries) — recall@5
//    (relevant found in the top 5 ÷ min(5, number relevant)) and MRR (first relevant, top 10);
//  - latency: p50/p99 of GET-/search-equivalent calls (understanding + embedding + index)
//    with 10,000 snippets for one user.
// Goals (issue 6): recall@5 ≥ 0.8 offline; p50 < 30 ms on PostgreSQL at 10k snippets.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { type Database, openDatabase } from "../server/src/platform/db/database.js";
import { snippets as snippetsTable, users } from "../server/src/platform/db/schema/index.js";
import { normalizeComplexity } from "../server/src/search/complexity.js";
import { processLock } from "../server/src/search/drain-lock.js";
import { Neo4jSearchIndex } from "../server/src/search/neo4j-search-index.js";
import { OfflineEmbedder } from "../server/src/search/offline-embedder.js";
import { PostgresSearchIndex } from "../server/src/search/postgres-search-index.js";
import { rulesUnderstander } from "../server/src/search/query-rules.js";
import type { IndexedSnippet, SearchIndex } from "../server/src/search/search-index.js";
import { createSearchService } from "../server/src/search/search-service.js";
import { createSyncService } from "../server/src/search/sync-service.js";
import { searchTerms } from "../server/src/search/text-features.js";
import { createSnippetService } from "../server/src/snippets/snippet-service.js";
import { startNeo4j } from "../server/test/fixtures/java-services.js";
import { createPostgresDatabase } from "../server/test/helpers/databases.js";
import { loadQueries, loadSnippets } from "./datasets/search/dataset.js";

const LATENCY_SNIPPETS = Number(process.env.SEARCH_BENCH_SNIPPETS ?? 10_000);
const LATENCY_QUERIES = 400;

interface Target {
  name: string;
  open(): Promise<{ database: Database; index: SearchIndex; cleanup(): Promise<void> }>;
}

const embedder = new OfflineEmbedder();

async function newUser(database: Database): Promise<string> {
  const sub = randomUUID();
  const [u] = await database.db
    .insert(users)
    .values({ cognitoSub: sub, email: `${sub}@bench.local` })
    .returning();
  return (u as { id: string }).id;
}

async function quality(database: Database, index: SearchIndex) {
  const snippets = createSnippetService({ db: database.db });
  const sync = createSyncService({ db: database.db, index, embedder, lock: processLock() });
  const search = createSearchService({
    index,
    embedder,
    understander: rulesUnderstander,
    snippets,
  });
  const user = await newUser(database);
  const idOf = new Map<string, string>();
  for (const s of loadSnippets()) {
    const row = await snippets.create(user, {
      code: s.code,
      title: s.title,
      description: null,
      language: s.language,
      isStarred: false,
    });
    await snippets.setComplexity(user, row.id, s.time, s.space);
    idOf.set(row.id, s.id);
  }
  await sync.drain();
  let recall = 0;
  let mrr = 0;
  const misses: string[] = [];
  const queries = loadQueries();
  for (const q of queries) {
    const found = await search.search(user, q.q, 10);
    const got = found.results.map((r) => idOf.get(r.snippetId) ?? "?");
    const relevant = new Set(q.relevant);
    const inTop5 = got.slice(0, 5).filter((g) => relevant.has(g)).length;
    const r5 = inTop5 / Math.min(5, relevant.size);
    const first = got.findIndex((g) => relevant.has(g));
    recall += r5;
    mrr += first >= 0 ? 1 / (first + 1) : 0;
    if (r5 < 0.6)
      misses.push(`    "${q.q}": recall@5 ${r5.toFixed(2)}, top 5 ${got.slice(0, 5).join(", ")}`);
  }
  return {
    recall: recall / queries.length,
    mrr: mrr / queries.length,
    misses,
    queries: queries.length,
  };
}

async function latency(database: Database, index: SearchIndex) {
  const base = loadSnippets();
  const user = await newUser(database);
  const started = performance.now();
  for (let i = 0; i < LATENCY_SNIPPETS; i += 500) {
    const batch = base.length
      ? Array.from({ length: Math.min(500, LATENCY_SNIPPETS - i) }, (_, k) => {
          const s = base[(i + k) % base.length] as (typeof base)[number];
          return { s, n: i + k };
        })
      : [];
    const rows = await database.db
      .insert(snippetsTable)
      .values(
        batch.map(({ s, n }) => ({
          userId: user,
          title: s.title ? `${s.title} #${n}` : null,
          code: `${s.code}# copy ${n}\n`,
          language: s.language,
          timeComplexity: s.time,
          spaceComplexity: s.space,
        })),
      )
      .returning();
    const vectors = await embedder.embedDocuments(rows);
    const docs = rows.map(
      (row, k): IndexedSnippet => ({
        snippetId: row.id,
        userId: user,
        title: row.title,
        description: row.description,
        language: row.language,
        timeComplexity: row.timeComplexity ? normalizeComplexity(row.timeComplexity) : null,
        spaceComplexity: row.spaceComplexity ? normalizeComplexity(row.spaceComplexity) : null,
        isStarred: false,
        terms: searchTerms(row),
        embedding: vectors[k] as number[],
        embeddingModel: embedder.model,
        updatedAt: new Date(row.updatedAt),
      }),
    );
    await index.upsertMany(docs);
  }
  const loadMs = performance.now() - started;
  const search = createSearchService({
    index,
    embedder,
    understander: rulesUnderstander,
    snippets: { assertOwned: async () => {} },
  });
  const queries = loadQueries().map((q) => q.q);
  for (let i = 0; i < 20; i++) await search.search(user, queries[i % queries.length] as string, 10);
  const times: number[] = [];
  for (let i = 0; i < LATENCY_QUERIES; i++) {
    const t0 = performance.now();
    await search.search(user, queries[i % queries.length] as string, 10);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) =>
    times[Math.min(times.length - 1, Math.floor(p * times.length))] as number;
  return { p50: pct(0.5), p99: pct(0.99), loadMs };
}

const targets: Target[] = [
  {
    name: "postgres index on PGlite",
    async open() {
      const database = await openDatabase({ dataDir: "memory://" });
      await database.migrate();
      const index = new PostgresSearchIndex(database.db, embedder.dimensions);
      await index.init();
      return { database, index, cleanup: () => database.close() };
    },
  },
  {
    name: "postgres index on PostgreSQL",
    async open() {
      const created = await createPostgresDatabase();
      const database = await openDatabase({ databaseUrl: created.url, dataDir: "memory://" });
      await database.migrate();
      const index = new PostgresSearchIndex(database.db, embedder.dimensions);
      await index.init();
      return {
        database,
        index,
        cleanup: async () => {
          await database.close();
          await created.drop();
        },
      };
    },
  },
  {
    name: "neo4j index (snippets in PGlite)",
    async open() {
      const neo = await startNeo4j();
      const database = await openDatabase({ dataDir: "memory://" });
      await database.migrate();
      const index = Neo4jSearchIndex.connect(neo);
      await index.init();
      return {
        database,
        index,
        cleanup: async () => {
          await index.close();
          await database.close();
          await neo.stop();
        },
      };
    },
  },
];

const only = process.env.SEARCH_BENCH_TARGETS?.split(",");
let failed = false;
console.log(
  `search bench: offline embedder (${embedder.model}), ${LATENCY_SNIPPETS} snippets for latency`,
);
for (const target of targets) {
  if (only && !only.some((o) => target.name.includes(o))) continue;
  let opened: Awaited<ReturnType<Target["open"]>> | undefined;
  try {
    opened = await target.open();
    const q = await quality(opened.database, opened.index);
    const l = await latency(opened.database, opened.index);
    console.log(
      `\n${target.name}\n  quality (${q.queries} queries): recall@5 ${q.recall.toFixed(3)} (goal ≥ 0.8), MRR ${q.mrr.toFixed(3)}`,
    );
    if (q.misses.length) console.log(`  weakest queries:\n${q.misses.join("\n")}`);
    console.log(
      `  latency at ${LATENCY_SNIPPETS} snippets: p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms` +
        `${target.name.startsWith("postgres") ? " (goal p50 < 30 ms)" : ""}; loaded in ${(l.loadMs / 1000).toFixed(1)} s`,
    );
  } catch (err) {
    failed = true;
    console.error(`\n${target.name}: failed: ${err instanceof Error ? err.stack : String(err)}`);
  } finally {
    await opened?.cleanup().catch(() => {});
  }
}
process.exit(failed ? 1 : 0);
