// The PostgreSQL search index (SEARCH_INDEX=postgres): one row per indexed snippet, written
// only by the sync processor. With SEARCH_INDEX=neo4j this table stays empty and the same
// rows live as graph nodes instead, so nothing else may read it as "the snippets".
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  customType,
  index,
  integer,
  pgTable,
  smallint,
  text,
  timestamp,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { snippets } from "./snippets.js";
import { users } from "./users.js";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
/** float32 little-endian: compact, and decoded without parsing text (see the postgres adapter). */
const bytea = customType<{ data: Uint8Array }>({ dataType: () => "bytea" });

export const searchDocuments = pgTable(
  "search_documents",
  {
    // Cascade: a deleted snippet leaves the index at once; its delete event then finds nothing
    // to remove, which the sync treats as done (deletes are idempotent).
    snippetId: uuid("snippet_id")
      .primaryKey()
      .references(() => snippets.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title"),
    description: text("description"),
    language: varchar("language", { length: 50 }).notNull(),
    timeComplexity: varchar("time_complexity", { length: 50 }),
    spaceComplexity: varchar("space_complexity", { length: 50 }),
    /** Position on the Big-O ladder (see search/complexity.ts), for ranges and ordering. */
    timeRank: smallint("time_rank"),
    spaceRank: smallint("space_rank"),
    isStarred: boolean("is_starred").notNull().default(false),
    /** Title, description and code identifiers split into words: what full text matches. */
    terms: text("terms").notNull().default(""),
    document: tsvector("document").notNull(),
    /** "stem:weight …" (search/lexical.ts): what IDF-weighted, typo-tolerant matching reads. */
    lexical: text("lexical").notNull().default(""),
    /** A name-blind fingerprint of the code (search/structure.ts), float32, for /similar. */
    structure: bytea("structure"),
    embedding: bytea("embedding").notNull(),
    embeddingModel: varchar("embedding_model", { length: 100 }).notNull(),
    /** Bumped from a sequence on every write: (count, max(version)) identifies a user's index state. */
    version: bigserial("version", { mode: "number" }).notNull(),
    snippetUpdatedAt: timestamp("snippet_updated_at", { withTimezone: true }).notNull(),
    indexedAt: timestamp("indexed_at", { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    index("ix_search_documents_user_version").on(t.userId, t.version),
    index("ix_search_documents_document").using("gin", t.document),
    // Complexity filters ("my O(n^2) code"): the user's ids within a range of the ladder.
    index("ix_search_documents_user_time_rank").on(t.userId, t.timeRank, t.snippetId),
    index("ix_search_documents_user_space_rank").on(t.userId, t.spaceRank, t.snippetId),
  ],
);

export type SearchDocumentRow = typeof searchDocuments.$inferSelect;

/** Each user's index state — how many documents and the highest `version` written — kept by a
 * trigger on search_documents (migration 0007), so the caches' revalidation every 200 ms reads
 * one row instead of counting the user's documents (a sequential scan of 8–17 ms at 10,000
 * wherever the visibility map is not current, e.g. without autovacuum). */
export const searchIndexState = pgTable("search_index_state", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  documents: integer("documents").notNull().default(0),
  version: bigint("version", { mode: "number" }).notNull().default(0),
});
