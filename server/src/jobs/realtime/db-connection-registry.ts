// The ConnectionRegistry of the AWS deployment: API Gateway WebSocket connections kept in
// the `ws_connections` table, so the $connect Lambda, the $default Lambda and every process
// that publishes (API Lambda, workers) see the same connections. Each method is one
// statement, so concurrent invocations need no locking.
import { and, count, eq, gt, lt, or, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../platform/db/database.js";
import { wsConnections } from "../../platform/db/schema/index.js";
import type { ConnectionRegistry } from "./connection-registry.js";
import type { PublishTarget } from "./notifier.js";

/** API Gateway closes every WebSocket after two hours, $disconnect or not. */
export const MAX_CONNECTION_AGE_MS = 2 * 60 * 60 * 1000;
/** The local hub's bound on the jobs one connection follows. */
export const MAX_SUBSCRIPTIONS = 100;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const subs = wsConnections.subscriptions;
const follows = (jobId: string): SQL => sql`${jobId}::text = ANY(${subs})`;
const staleBefore = () => new Date(Date.now() - MAX_CONNECTION_AGE_MS);

export class DbConnectionRegistry implements ConnectionRegistry {
  constructor(private readonly db: DbOrTx) {}

  /** Registers (or re-registers, with no subscriptions) a connection of the user; the
   * user's rows older than API Gateway's connection lifetime are dropped on the way. */
  async add(connectionId: string, userId: string): Promise<void> {
    await this.db
      .delete(wsConnections)
      .where(and(eq(wsConnections.userId, userId), lt(wsConnections.createdAt, staleBefore())));
    await this.db
      .insert(wsConnections)
      .values({ connectionId, userId })
      .onConflictDoUpdate({
        target: wsConnections.connectionId,
        set: { userId, subscriptions: sql`'{}'::text[]`, createdAt: sql`now()` },
      });
  }

  /**
   * Binds the connection to the user unless it already belongs to someone: true when it is
   * (now) the user's, false when it is another user's. One insert, then one read, so two
   * concurrent claims agree on the winner.
   */
  async claim(connectionId: string, userId: string): Promise<boolean> {
    await this.db
      .insert(wsConnections)
      .values({ connectionId, userId })
      .onConflictDoNothing({ target: wsConnections.connectionId });
    return (await this.ownerOf(connectionId)) === userId;
  }

  async remove(connectionId: string): Promise<void> {
    await this.db.delete(wsConnections).where(eq(wsConnections.connectionId, connectionId));
  }

  async subscribe(connectionId: string, jobId: string): Promise<void> {
    await this.trySubscribe(connectionId, jobId);
  }

  /** False when the connection is unknown or already follows MAX_SUBSCRIPTIONS jobs. */
  async trySubscribe(connectionId: string, jobId: string): Promise<boolean> {
    const rows = await this.db
      .update(wsConnections)
      .set({
        subscriptions: sql`CASE WHEN ${follows(jobId)} THEN ${subs} ELSE array_append(${subs}, ${jobId}::text) END`,
      })
      .where(
        and(
          eq(wsConnections.connectionId, connectionId),
          or(follows(jobId), sql`cardinality(${subs}) < ${MAX_SUBSCRIPTIONS}::int`),
        ),
      )
      .returning({ id: wsConnections.connectionId });
    return rows.length > 0;
  }

  async unsubscribe(connectionId: string, jobId: string): Promise<void> {
    await this.db
      .update(wsConnections)
      .set({ subscriptions: sql`array_remove(${subs}, ${jobId}::text)` })
      .where(eq(wsConnections.connectionId, connectionId));
  }

  /** The user a connection belongs to, when it is registered. */
  async ownerOf(connectionId: string): Promise<string | undefined> {
    const [row] = await this.db
      .select({ userId: wsConnections.userId })
      .from(wsConnections)
      .where(eq(wsConnections.connectionId, connectionId));
    return row?.userId;
  }

  /** The user's connections opened within API Gateway's connection lifetime. */
  async countOf(userId: string): Promise<number> {
    if (!UUID_RE.test(userId)) return 0;
    const [row] = await this.db
      .select({ n: count() })
      .from(wsConnections)
      .where(and(eq(wsConnections.userId, userId), gt(wsConnections.createdAt, staleBefore())));
    return row?.n ?? 0;
  }

  async targets(userId: string, target: PublishTarget): Promise<string[]> {
    // Users are UUIDs; anything else owns nothing (and must not reach a uuid cast).
    if (!UUID_RE.test(userId)) return [];
    const matches: SQL[] = [];
    if (target.connectionId !== undefined)
      matches.push(eq(wsConnections.connectionId, target.connectionId));
    if (target.jobId !== undefined) matches.push(follows(target.jobId));
    const rows = await this.db
      .select({ id: wsConnections.connectionId })
      .from(wsConnections)
      .where(and(eq(wsConnections.userId, userId), matches.length > 0 ? or(...matches) : undefined))
      .orderBy(wsConnections.createdAt, wsConnections.connectionId);
    return rows.map((r) => r.id);
  }
}
