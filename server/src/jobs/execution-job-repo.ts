// Queries of the async execution lifecycle. Every transition is a conditional UPDATE, so
// concurrent or repeated deliveries of one job race safely: the attempt counter is the
// fencing token — only the worker holding the latest attempt may finish the job.
import { and, eq, inArray, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../platform/db/database.js";
import { type ExecutionRow, executions } from "../platform/db/schema/index.js";
import { fromJsonb, textColumn, toJsonb } from "../platform/text.js";

/** jsonb cannot hold NUL: request and result are stored through the lossless codec of
 * platform/text.ts and decoded on every read, so a program may print any text. */
function decoded(row: ExecutionRow): ExecutionRow;
function decoded(row: ExecutionRow | undefined): ExecutionRow | undefined;
function decoded(row: ExecutionRow | undefined): ExecutionRow | undefined {
  if (!row) return row;
  return { ...row, request: fromJsonb(row.request), result: fromJsonb(row.result) };
}

/** What a worker needs to run the job again after a crash (nulled once it finishes). */
export interface StoredRequest {
  code: string;
  stdin: string;
  timeout_seconds: number;
  /** Input comes over the WebSocket while it runs (stdin is only its start). */
  interactive?: boolean;
  /** The owner cancelled it while it ran: a later attempt must not run it again. */
  cancelled?: boolean;
}

export async function insertJob(
  db: DbOrTx,
  values: {
    userId: string;
    snippetId: string | null;
    codeSha256: string;
    request: StoredRequest;
    connectionId: string | null;
  },
): Promise<ExecutionRow> {
  const [row] = await db
    .insert(executions)
    .values({ ...values, request: toJsonb(values.request), status: "queued" })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return decoded(row);
}

export async function findOwnedJob(
  db: DbOrTx,
  userId: string,
  jobId: string,
): Promise<ExecutionRow | undefined> {
  const [row] = await db
    .select()
    .from(executions)
    .where(and(eq(executions.jobId, jobId), eq(executions.userId, userId)));
  return decoded(row);
}

export async function findJob(db: DbOrTx, jobId: string): Promise<ExecutionRow | undefined> {
  const [row] = await db.select().from(executions).where(eq(executions.jobId, jobId));
  return decoded(row);
}

/** queued|running → running with attempts+1, unless the attempts are used up or it finished. */
export async function claimJob(
  db: DbOrTx,
  jobId: string,
  maxAttempts: number,
): Promise<ExecutionRow | undefined> {
  const [row] = await db
    .update(executions)
    .set({ status: "running", attempts: sql`${executions.attempts} + 1`, startedAt: sql`now()` })
    .where(
      and(
        eq(executions.jobId, jobId),
        inArray(executions.status, ["queued", "running"]),
        lt(executions.attempts, maxAttempts),
      ),
    )
    .returning();
  return decoded(row);
}

/** running → completed|failed, only for the holder of attempt `attempt`. */
export async function finishJob(
  db: DbOrTx,
  jobId: string,
  attempt: number,
  outcome: { status: "completed" | "failed"; result: unknown; error: string | null },
): Promise<ExecutionRow | undefined> {
  const [row] = await db
    .update(executions)
    .set({
      status: outcome.status,
      error: outcome.error === null ? null : textColumn(outcome.error),
      result: toJsonb(outcome.result),
      finishedAt: sql`now()`,
      request: null,
    })
    .where(
      and(
        eq(executions.jobId, jobId),
        eq(executions.status, "running"),
        eq(executions.attempts, attempt),
      ),
    )
    .returning();
  return decoded(row);
}

/** running → queued for a retry, only for the holder of attempt `attempt`; `refund` gives
 * the attempt back (the run never started, e.g. it was only postponed). */
export async function requeueJob(
  db: DbOrTx,
  jobId: string,
  attempt: number,
  opts: { refund?: boolean } = {},
): Promise<boolean> {
  const rows = await db
    .update(executions)
    .set({
      status: "queued",
      ...(opts.refund ? { attempts: sql`${executions.attempts} - 1` } : {}),
    })
    .where(
      and(
        eq(executions.jobId, jobId),
        eq(executions.status, "running"),
        eq(executions.attempts, attempt),
      ),
    )
    .returning({ jobId: executions.jobId });
  return rows.length > 0;
}

/** queued|running → failed whatever the attempt (retries exhausted, or it could not be queued). */
export async function failJob(
  db: DbOrTx,
  jobId: string,
  error: string,
  result: unknown,
): Promise<ExecutionRow | undefined> {
  const [row] = await db
    .update(executions)
    .set({
      status: "failed",
      error: textColumn(error),
      result: toJsonb(result),
      finishedAt: sql`now()`,
      request: null,
    })
    .where(and(eq(executions.jobId, jobId), inArray(executions.status, ["queued", "running"])))
    .returning();
  return decoded(row);
}

/** Jobs that look abandoned: queued too long (lost between insert and enqueue) or running too long. */
export async function findStaleJobs(
  db: DbOrTx,
  opts: { queuedBefore: Date; runningBefore: Date; limit: number },
): Promise<{ jobId: string; userId: string }[]> {
  return db
    .select({ jobId: executions.jobId, userId: executions.userId })
    .from(executions)
    .where(
      or(
        and(eq(executions.status, "queued"), lt(executions.createdAt, opts.queuedBefore)),
        and(
          eq(executions.status, "running"),
          or(isNull(executions.startedAt), lt(executions.startedAt, opts.runningBefore)),
        ),
      ),
    )
    .limit(opts.limit);
}

/** A job not yet claimed ends here and now, with `result`; undefined if it had started. */
export async function cancelQueuedJob(
  db: DbOrTx,
  jobId: string,
  result: unknown,
): Promise<ExecutionRow | undefined> {
  const [row] = await db
    .update(executions)
    .set({
      status: "completed",
      result: toJsonb(result),
      error: null,
      finishedAt: sql`now()`,
      request: null,
    })
    .where(and(eq(executions.jobId, jobId), eq(executions.status, "queued")))
    .returning();
  return decoded(row);
}

/** Marks a running job cancelled, so no retry of it runs again; false if it is not running. */
export async function markCancelled(db: DbOrTx, jobId: string): Promise<boolean> {
  const rows = await db
    .update(executions)
    .set({ request: sql`${executions.request} || '{"cancelled": true}'::jsonb` })
    .where(
      and(
        eq(executions.jobId, jobId),
        eq(executions.status, "running"),
        isNotNull(executions.request),
      ),
    )
    .returning({ jobId: executions.jobId });
  return rows.length > 0;
}

/** How many more active jobs than the waiting user make a backlog that gives way. */
export const BACKLOG_MARGIN = 3;

/**
 * Fair turns across every worker of the shared queue (issue 10 item 5): true when queued job
 * `jobId` should let another user go first — one with a job `queued` whose active jobs
 * (queued + running) are at most half its owner's and BACKLOG_MARGIN fewer. So a backlog
 * gives way to a user with a single run (or a much smaller backlog), while backlogs of
 * similar size, and the last few jobs of any, keep queue order: hand-backs between them
 * would only leave slots idle for the deferral's second. Read from the jobs table, so it holds whichever
 * worker or queue adapter delivers the message. False for a job that is not `queued` (a
 * re-claim after a crash, or finished) and when nobody else waits: a lone backlog never waits.
 */
export async function othersGoFirst(db: DbOrTx, jobId: string): Promise<boolean> {
  const res = await db.execute(sql`
    with job as (
      select user_id from executions where job_id = ${jobId} and status = 'queued'
    ),
    active as (
      select user_id, count(*) as n, bool_or(status = 'queued') as waiting
      from executions where status in ('queued', 'running')
      group by user_id
    )
    select exists (
      select 1 from job, active me, active other
      where me.user_id = job.user_id and other.user_id <> job.user_id
        and other.waiting and 2 * other.n <= me.n and me.n - other.n >= ${BACKLOG_MARGIN}
    ) as behind`);
  const rows = (res as unknown as { rows: { behind: boolean }[] }).rows;
  return rows[0]?.behind === true;
}
