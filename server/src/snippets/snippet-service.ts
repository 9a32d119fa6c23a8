// Snippets of one user. Each change that search must see commits together with its
// sync event (the outbox), so a crash or a down index can never lose it.
import type { Db } from "../platform/db/database.js";
import type { SnippetRow } from "../platform/db/schema/index.js";
import { NotFoundError } from "../platform/errors.js";
import * as repo from "./snippet-repo.js";

export type { SnippetSummaryRow } from "./snippet-repo.js";

const notFound = () => new NotFoundError("Snippet not found");

export interface SnippetService {
  create(userId: string, input: repo.SnippetInsert): Promise<SnippetRow>;
  list(
    userId: string,
    opts: { limit: number; offset: number; starred?: boolean | undefined },
  ): Promise<{ items: repo.SnippetSummaryRow[]; total: number }>;
  get(userId: string, id: string): Promise<SnippetRow>;
  update(userId: string, id: string, patch: repo.SnippetPatch): Promise<SnippetRow>;
  remove(userId: string, id: string): Promise<void>;
  toggleStar(userId: string, id: string): Promise<SnippetRow>;
  /** Throws NotFound unless the snippet is the user's; used before a run is started. */
  assertOwned(userId: string, id: string): Promise<void>;
  recordExecution(userId: string, id: string): Promise<void>;
  setComplexity(
    userId: string,
    id: string,
    time: string | null,
    space: string | null,
    /** The analysis's measurement (API.md `measured`), kept with the snippet; null clears it. */
    measured?: unknown,
  ): Promise<SnippetRow>;
  /**
   * Records an estimated Big-O (the offline analyser's, from the search sync) where the
   * snippet has none, with its outbox event in the same transaction, like any change.
   * Returns the snippet as it now is; undefined when it no longer exists.
   */
  recordEstimate(
    userId: string,
    id: string,
    estimate: { time: string | null; space: string | null },
  ): Promise<SnippetRow | undefined>;
}

export function createSnippetService(deps: { db: Db }): SnippetService {
  const { db } = deps;
  /** Runs a mutation and writes its sync event in one transaction; NotFound if nothing matched. */
  const mutate = (
    userId: string,
    id: string,
    op: (tx: Parameters<Parameters<Db["transaction"]>[0]>[0]) => Promise<SnippetRow | undefined>,
  ) =>
    db.transaction(async (tx) => {
      const row = await op(tx);
      if (!row) throw notFound();
      await repo.recordSyncEvent(tx, { snippetId: id, userId, operation: "upsert" });
      return row;
    });

  return {
    create: (userId, input) =>
      db.transaction(async (tx) => {
        const row = await repo.insertSnippet(tx, userId, input);
        await repo.recordSyncEvent(tx, { snippetId: row.id, userId, operation: "upsert" });
        return row;
      }),
    list: (userId, opts) => repo.listSnippets(db, userId, opts),
    async get(userId, id) {
      const row = await repo.findSnippet(db, userId, id);
      if (!row) throw notFound();
      return row;
    },
    update: (userId, id, patch) =>
      mutate(userId, id, (tx) => repo.updateSnippet(tx, userId, id, patch)),
    toggleStar: (userId, id) => mutate(userId, id, (tx) => repo.toggleStar(tx, userId, id)),
    setComplexity: (userId, id, time, space, measured) =>
      mutate(userId, id, (tx) =>
        repo.updateSnippet(tx, userId, id, {
          timeComplexity: time,
          spaceComplexity: space,
          ...(measured !== undefined && { measuredComplexity: measured }),
        }),
      ),
    recordEstimate: (userId, id, estimate) =>
      db.transaction(async (tx) => {
        const filled = await repo.fillComplexity(tx, userId, id, estimate.time, estimate.space);
        if (!filled) return repo.findSnippet(tx, userId, id);
        await repo.recordSyncEvent(tx, { snippetId: id, userId, operation: "upsert" });
        return filled;
      }),
    remove: (userId, id) =>
      db.transaction(async (tx) => {
        if (!(await repo.deleteSnippet(tx, userId, id))) throw notFound();
        await repo.recordSyncEvent(tx, { snippetId: id, userId, operation: "delete" });
      }),
    async assertOwned(userId, id) {
      if (!(await repo.findSnippet(db, userId, id))) throw notFound();
    },
    async recordExecution(userId, id) {
      if (!(await repo.recordExecution(db, userId, id))) throw notFound();
    },
  };
}
