// Snippet queries. Every mutation that the search index must see writes its outbox row
// through `recordSyncEvent` inside the caller's transaction.
import { and, count, desc, eq, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../platform/db/database.js";
import { type SnippetRow, snippets, syncEvents } from "../platform/db/schema/index.js";

export type SnippetInsert = Pick<
  typeof snippets.$inferInsert,
  "title" | "language" | "code" | "description" | "isStarred"
>;
export type SnippetPatch = Partial<SnippetInsert>;

export const snippetSummaryColumns = {
  id: snippets.id,
  title: snippets.title,
  language: snippets.language,
  description: snippets.description,
  isStarred: snippets.isStarred,
  executionCount: snippets.executionCount,
  lastExecutionAt: snippets.lastExecutionAt,
  timeComplexity: snippets.timeComplexity,
  spaceComplexity: snippets.spaceComplexity,
  createdAt: snippets.createdAt,
  updatedAt: snippets.updatedAt,
};
export type SnippetSummaryRow = Omit<SnippetRow, "code" | "userId">;

const owned = (userId: string, id: string) => and(eq(snippets.id, id), eq(snippets.userId, userId));

export async function recordSyncEvent(
  db: DbOrTx,
  event: { snippetId: string; userId: string; operation: "upsert" | "delete" },
): Promise<void> {
  await db.insert(syncEvents).values(event);
}

export async function insertSnippet(
  db: DbOrTx,
  userId: string,
  values: SnippetInsert,
): Promise<SnippetRow> {
  const [row] = await db
    .insert(snippets)
    .values({ ...values, userId })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function findSnippet(
  db: DbOrTx,
  userId: string,
  id: string,
): Promise<SnippetRow | undefined> {
  const [row] = await db.select().from(snippets).where(owned(userId, id)).limit(1);
  return row;
}

const userPlaceholder = sql.placeholder("userId");
const pageOf = (where: SQL | undefined) =>
  ({
    where,
    // The total rides along on every row (a window count): one round trip per page, not two.
    columns: { ...snippetSummaryColumns, total: sql<number>`count(*) over()`.mapWith(Number) },
  }) as const;

type ListQuery = {
  execute(params: Record<string, unknown>): Promise<(SnippetSummaryRow & { total: number })[]>;
};
const prepared = new WeakMap<object, Map<string, ListQuery>>();

/** Prepared once per database and filter shape: the hot listing path skips query planning. */
function listQuery(db: DbOrTx, starred: boolean | undefined): ListQuery {
  const key = starred === undefined ? "all" : String(starred);
  let perDb = prepared.get(db);
  if (!perDb) {
    perDb = new Map();
    prepared.set(db, perDb);
  }
  let q = perDb.get(key);
  if (!q) {
    const { where, columns } = pageOf(
      starred === undefined
        ? eq(snippets.userId, userPlaceholder)
        : and(eq(snippets.userId, userPlaceholder), eq(snippets.isStarred, starred)),
    );
    q = db
      .select(columns)
      .from(snippets)
      .where(where)
      .orderBy(desc(snippets.isStarred), desc(snippets.updatedAt), desc(snippets.id))
      .limit(sql.placeholder("limit"))
      .offset(sql.placeholder("offset"))
      .prepare(`list_snippets_${key}`) as unknown as ListQuery;
    perDb.set(key, q);
  }
  return q;
}

export async function listSnippets(
  db: DbOrTx,
  userId: string,
  opts: { limit: number; offset: number; starred?: boolean | undefined },
): Promise<{ items: SnippetSummaryRow[]; total: number }> {
  const rows = await listQuery(db, opts.starred).execute({
    userId,
    limit: opts.limit,
    offset: opts.offset,
  });
  if (rows.length > 0) {
    const total = rows[0]?.total ?? 0;
    return { items: rows.map(({ total: _t, ...item }) => item), total };
  }
  if (opts.offset === 0) return { items: [], total: 0 };
  // Past the last page the window count has no row to ride on; count separately.
  const where =
    opts.starred === undefined
      ? eq(snippets.userId, userId)
      : and(eq(snippets.userId, userId), eq(snippets.isStarred, opts.starred));
  const [c] = await db.select({ total: count() }).from(snippets).where(where);
  return { items: [], total: c?.total ?? 0 };
}

export async function updateSnippet(
  db: DbOrTx,
  userId: string,
  id: string,
  patch: SnippetPatch & {
    timeComplexity?: string | null;
    spaceComplexity?: string | null;
    measuredComplexity?: unknown;
  },
): Promise<SnippetRow | undefined> {
  const [row] = await db
    .update(snippets)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(owned(userId, id))
    .returning();
  return row;
}

/**
 * Fills in the Big-O fields that are still empty (a person's or the analyser's value wins);
 * undefined when nothing changed. `updated_at` stays: an estimate is not an edit, and must
 * not reorder a person's list.
 */
export async function fillComplexity(
  db: DbOrTx,
  userId: string,
  id: string,
  time: string | null,
  space: string | null,
): Promise<SnippetRow | undefined> {
  const [row] = await db
    .update(snippets)
    .set({
      timeComplexity: sql`coalesce(${snippets.timeComplexity}, ${time})`,
      spaceComplexity: sql`coalesce(${snippets.spaceComplexity}, ${space})`,
    })
    .where(
      and(
        owned(userId, id),
        sql`((${snippets.timeComplexity} is null and ${time}::text is not null) or (${snippets.spaceComplexity} is null and ${space}::text is not null))`,
      ),
    )
    .returning();
  return row;
}

export async function toggleStar(
  db: DbOrTx,
  userId: string,
  id: string,
): Promise<SnippetRow | undefined> {
  const [row] = await db
    .update(snippets)
    .set({ isStarred: sql`not ${snippets.isStarred}`, updatedAt: sql`now()` })
    .where(owned(userId, id))
    .returning();
  return row;
}

export async function deleteSnippet(db: DbOrTx, userId: string, id: string): Promise<boolean> {
  const rows = await db.delete(snippets).where(owned(userId, id)).returning({ id: snippets.id });
  return rows.length > 0;
}

export async function recordExecution(db: DbOrTx, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .update(snippets)
    .set({ executionCount: sql`${snippets.executionCount} + 1`, lastExecutionAt: sql`now()` })
    .where(owned(userId, id))
    .returning({ id: snippets.id });
  return rows.length > 0;
}
