// The sync processor: drains the `sync_events` outbox into the SearchIndex. Per snippet it
// applies the snippet's *current* row (upsert if it exists, delete if not), so replays and
// coalesced events are harmless and order per snippet always holds. A failure keeps the
// snippet's events pending with a growing `available_at`; while the index is down nothing is
// ever marked failed, so nothing is lost — it all applies when the index returns.
import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import { indexNotation } from "../analysis/complexity-notation.js";
import type { Db } from "../platform/db/database.js";
import { type SnippetRow, snippets, syncEvents } from "../platform/db/schema/index.js";
import type { SnippetService } from "../snippets/snippet-service.js";
import type { DrainLock } from "./drain-lock.js";
import type { Embedder } from "./embedder.js";
import type { OutboxListener, OutboxSignal } from "./outbox-signal.js";
import type { SearchIndex } from "./search-index.js";
import { type ComplexityEstimator, toDocuments } from "./snippet-documents.js";

export type { ComplexityEstimator };

export interface SyncLogger {
  warn(obj: object, msg: string): void;
}

export interface SyncDeps {
  db: Db;
  index: SearchIndex;
  embedder: Embedder;
  lock: DrainLock;
  /** Estimates a missing Big-O; the estimate is recorded through `snippets` (a snippet
   * change with its own outbox event) before the snippet is indexed. */
  estimate?:
    | { estimator: ComplexityEstimator; snippets: Pick<SnippetService, "recordEstimate"> }
    | undefined;
  logger?: SyncLogger | undefined;
  /** Failures (with the index up) before a snippet's events are marked failed. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Wakes the running loop when an outbox event commits (outbox-signal.ts). Without one
   * (or while its listener is down) the loop looks every `idleMinMs`, as a poll would. */
  signal?: OutboxSignal | undefined;
  /** The first wait after a look that found work (or a wake), doubled on each idle look up
   * to start()'s `idleMaxMs`. Default 250 ms. */
  idleMinMs?: number;
}

export interface DrainResult {
  /** Snippets applied to the index. */
  applied: number;
  /** Snippets whose events stay pending for a retry. */
  deferred: number;
  failed: number;
  /** True when another drainer held the lock and nothing was done. */
  busy: boolean;
}

export type SnippetOutcome = "applied" | "deferred" | "failed" | "nothing";

export interface SyncService {
  /** Applies every available pending event (in batches) and returns what happened. */
  drain(opts?: { batchSize?: number; maxBatches?: number }): Promise<DrainResult>;
  /** Snippets with events ready to apply, oldest first (what a queue relay publishes). */
  ready(limit: number): Promise<PendingSnippet[]>;
  /** Applies one snippet's ready events (a queue consumer's unit of work). The caller
   * guarantees one call per snippet at a time (a FIFO message group does). */
  drainSnippet(snippetId: string): Promise<SnippetOutcome>;
  pendingCount(): Promise<number>;
  /** Queues an upsert in the outbox for every indexed snippet whose vector comes from
   * another embedder (after a model change), so the drain embeds it again: vectors of two
   * models are never compared, and none is silently left behind. Returns how many. */
  reembedStale(): Promise<number>;
  /** Clears the index and indexes every snippet from PostgreSQL; returns how many. */
  resync(opts?: { batchSize?: number }): Promise<number>;
  /** The search-sync processor, until stop: drains now, then whenever the signal says an
   * event committed or a deferred snippet's retry falls due; otherwise it looks at the
   * outbox with a back-off from `idleMinMs` doubling to `idleMaxMs` (a safety net for a
   * lost notification, not the way changes are found). */
  start(idleMaxMs: number): void;
  /** Stops looking: a drain in progress ends after its current snippet, and is awaited. */
  stop(): Promise<void>;
}

export interface PendingSnippet {
  snippetId: string;
  userId: string;
  maxId: number;
  attempts: number;
}

/** The innermost cause's message: Drizzle wraps driver errors in "Failed query: …". */
function describe(err: unknown): string {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

export function backoffMs(attempts: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1));
}

export function createSyncService(deps: SyncDeps): SyncService {
  const { db, index } = deps;
  const maxAttempts = deps.maxAttempts ?? 10;
  const baseDelay = deps.baseDelayMs ?? 1_000;
  const maxDelay = deps.maxDelayMs ?? 300_000;

  /** The row with an estimated Big-O where it has none, recorded on the snippet first. */
  async function withEstimate(row: SnippetRow): Promise<SnippetRow | undefined> {
    const e = deps.estimate;
    if (!e || (row.timeComplexity && row.spaceComplexity)) return row;
    const est = await e.estimator(row.code).catch(() => null);
    if (!est) return row;
    return e.snippets.recordEstimate(row.userId, row.id, {
      time: est.time ? indexNotation(est.time) : null,
      space: est.space ? indexNotation(est.space) : null,
    });
  }

  async function documentsOf(rows: SnippetRow[]) {
    const current: SnippetRow[] = [];
    for (const row of rows) {
      const r = await withEstimate(row);
      if (r) current.push(r);
    }
    return toDocuments(current, deps);
  }

  /** The snippet's state now, applied to the index. */
  async function apply(p: PendingSnippet): Promise<void> {
    const [row] = await db
      .select()
      .from(snippets)
      .where(and(eq(snippets.id, p.snippetId), eq(snippets.userId, p.userId)))
      .limit(1);
    const [doc] = row ? await documentsOf([row]) : [];
    if (doc) await index.upsert(doc);
    else await index.remove(p.userId, p.snippetId);
  }

  const pendingOf = (p: PendingSnippet) =>
    and(
      eq(syncEvents.snippetId, p.snippetId),
      eq(syncEvents.status, "pending"),
      lte(syncEvents.id, p.maxId),
    );

  async function nextBatch(limit: number, snippetId?: string): Promise<PendingSnippet[]> {
    // A snippet is ready when none of its pending events is still backing off, so a later
    // event never overtakes an earlier failed one.
    const found = await db
      .select({
        snippetId: syncEvents.snippetId,
        userId: syncEvents.userId,
        maxId: sql<number>`max(${syncEvents.id})::bigint`.mapWith(Number),
        attempts: sql<number>`max(${syncEvents.attempts})::int`.mapWith(Number),
      })
      .from(syncEvents)
      .where(
        snippetId
          ? and(eq(syncEvents.status, "pending"), eq(syncEvents.snippetId, snippetId))
          : eq(syncEvents.status, "pending"),
      )
      .groupBy(syncEvents.snippetId, syncEvents.userId)
      .having(sql`max(${syncEvents.availableAt}) <= now()`)
      .orderBy(asc(sql`min(${syncEvents.id})`))
      .limit(limit);
    return found;
  }

  async function indexIsUp(): Promise<boolean> {
    try {
      await index.ping();
      return true;
    } catch {
      return false;
    }
  }

  async function recordFailure(p: PendingSnippet, err: unknown, indexUp: boolean) {
    const attempts = p.attempts + 1;
    const message = describe(err).slice(0, 1000);
    const giveUp = indexUp && attempts >= maxAttempts;
    await db
      .update(syncEvents)
      .set({
        attempts,
        lastError: message,
        ...(giveUp
          ? { status: "failed", processedAt: sql`now()` }
          : {
              availableAt: sql`now() + make_interval(secs => ${backoffMs(attempts, baseDelay, maxDelay) / 1000})`,
            }),
      })
      .where(pendingOf(p));
    deps.logger?.warn(
      { snippetId: p.snippetId, attempts, indexUp, err: message },
      giveUp ? "sync gave up on a snippet" : "sync deferred a snippet",
    );
    return giveUp;
  }

  /** Applies one snippet; on failure records it. `indexDown` tells the batch to stop. */
  async function processOne(
    p: PendingSnippet,
  ): Promise<{ outcome: SnippetOutcome; indexDown: boolean }> {
    try {
      await apply(p);
      await db
        .update(syncEvents)
        .set({ status: "done", processedAt: sql`now()`, lastError: null })
        .where(pendingOf(p));
      return { outcome: "applied", indexDown: false };
    } catch (err) {
      const up = await indexIsUp();
      const gaveUp = await recordFailure(p, err, up);
      return { outcome: gaveUp ? "failed" : "deferred", indexDown: !up };
    }
  }

  /** Set by stop(): a drain in progress ends after its current snippet, so shutting down
   * never waits for a backlog (the rest stays pending for the next process). */
  let halting = false;

  async function drainBatches(
    batchSize: number,
    maxBatches: number,
    halted: () => boolean,
  ): Promise<DrainResult> {
    const result: DrainResult = { applied: 0, deferred: 0, failed: 0, busy: false };
    for (let b = 0; b < maxBatches && !halted(); b++) {
      const batch = await nextBatch(batchSize);
      if (batch.length === 0) break;
      for (const p of batch) {
        if (halted()) return result;
        const { outcome, indexDown } = await processOne(p);
        if (outcome === "applied") result.applied++;
        else if (outcome === "failed") result.failed++;
        else result.deferred++;
        // With the index down the rest of the batch would fail the same way: stop here,
        // leaving the remaining events pending and untouched.
        if (indexDown) return result;
      }
    }
    return result;
  }

  async function drainLocked(
    opts: { batchSize?: number; maxBatches?: number },
    halted: () => boolean,
  ): Promise<DrainResult> {
    const release = await deps.lock();
    if (!release) return { applied: 0, deferred: 0, failed: 0, busy: true };
    try {
      return await drainBatches(opts.batchSize ?? 100, opts.maxBatches ?? 1_000, halted);
    } finally {
      await release();
    }
  }

  // ---- The loop (start/stop): wake on commit, back off while idle, wake for due retries.

  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  /** The look in progress (one at a time); stop() awaits it. */
  let running: Promise<void> | undefined;
  /** A wake arrived: the next look drains at once, and a running one looks again after. */
  let woken = false;
  let idleMin = 250;
  let idleMax = 250;
  /** The next idle wait: idleMin after work or a wake, doubling to idleMax. */
  let idleDelay = idleMin;
  let listener: OutboxListener | undefined;
  let listening: Promise<void> | undefined;
  /** Warn once per outage of the listener, not on every retry. */
  let listenWarned = false;

  /** Milliseconds until the earliest snippet with pending events is ready (<= 0: ready
   * now); null when nothing is pending. Due-ness as nextBatch has it: a snippet is ready
   * when the latest `available_at` of its pending events has passed. */
  async function dueInMs(): Promise<number | null> {
    const [r] = await db
      .select({
        ms: sql<number>`(extract(epoch from max(${syncEvents.availableAt}) - now()) * 1000)::float8`,
      })
      .from(syncEvents)
      .where(eq(syncEvents.status, "pending"))
      .groupBy(syncEvents.snippetId, syncEvents.userId)
      .orderBy(asc(sql`max(${syncEvents.availableAt})`))
      .limit(1);
    return r ? Number(r.ms) : null;
  }

  function wake(): void {
    if (stopped) return;
    woken = true;
    idleDelay = idleMin;
    // A running look sees `woken` when it ends and looks again at once.
    if (!running) schedule(0);
  }

  function schedule(ms: number): void {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      runLook();
    }, ms);
    timer.unref();
  }

  /** Listens for commits (again, after a loss); a failure leaves the loop looking every
   * idleMinMs, and the next look tries again. */
  function listen(): void {
    const signal = deps.signal;
    if (!signal || listener || listening || stopped) return;
    listening = signal
      .listen(wake, (err) => {
        listener = undefined;
        deps.logger?.warn({ err: describe(err) }, "sync lost its outbox listener; listening again");
        wake();
      })
      .then(async (l) => {
        if (stopped) return l.close();
        listener = l;
        listenWarned = false;
        // Anything committed before LISTEN took effect: look once now.
        wake();
      })
      .catch((err: unknown) => {
        if (!listenWarned) {
          deps.logger?.warn({ err: describe(err) }, "sync cannot listen for outbox commits");
          listenWarned = true;
        }
      })
      .finally(() => {
        listening = undefined;
      });
  }

  /** One look: drains when woken or when the outbox has a ready snippet, then returns how
   * long to wait before the next. */
  async function look(): Promise<number> {
    const wasWoken = woken;
    woken = false;
    listen();
    let due = wasWoken ? 0 : await dueInMs();
    let worked = false;
    let busy = false;
    if (due !== null && due <= 0) {
      const r = await drainLocked({}, () => halting);
      worked = r.applied + r.deferred + r.failed > 0;
      busy = r.busy;
      due = await dueInMs();
    }
    if (woken) return 0;
    if (worked) idleDelay = idleMin;
    // Without a working listener a commit would go unseen until the next look: keep looking
    // every idleMin, as the old fixed poll did.
    const cap = listener ? idleMax : idleMin;
    const wait = Math.min(idleDelay, cap);
    idleDelay = Math.min(idleDelay * 2, cap);
    // Another drainer holds the lock (another process): it handles what is ready.
    if (due === null || busy) return wait;
    // Ready snippets left after a drain that worked: it stopped early (the index is down,
    // or after maxBatches); look again after idleMin, as the old poll did. One that fell
    // due between the drain's query and this one: look again soon.
    if (due <= 0) return worked ? wait : Math.min(wait, 10);
    return Math.min(wait, Math.ceil(due));
  }

  function runLook(): void {
    if (stopped || running) return;
    running = look()
      .catch((err: unknown) => {
        deps.logger?.warn({ err: describe(err) }, "sync drain failed");
        // The database is failing (nothing commits meanwhile): back off to idleMax.
        const wait = Math.min(idleDelay, idleMax);
        idleDelay = Math.min(idleDelay * 2, idleMax);
        return wait;
      })
      .then((wait) => {
        running = undefined;
        if (!stopped) schedule(woken ? 0 : wait);
      });
  }

  const service: SyncService = {
    drain: (opts = {}) => drainLocked(opts, () => false),

    ready: (limit) => nextBatch(limit),

    async drainSnippet(snippetId) {
      const [p] = await nextBatch(1, snippetId);
      if (!p) return "nothing";
      return (await processOne(p)).outcome;
    },

    async pendingCount() {
      const [r] = await db
        .select({ n: sql<number>`count(*)::int`.mapWith(Number) })
        .from(syncEvents)
        .where(eq(syncEvents.status, "pending"));
      return r?.n ?? 0;
    },

    async reembedStale() {
      let queued = 0;
      let after: string | undefined;
      for (;;) {
        const stale = await index.staleEmbeddings(deps.embedder.model, 500, after);
        if (stale.length === 0) break;
        after = stale[stale.length - 1]?.snippetId;
        // Skip snippets that already wait in the outbox: their drain re-embeds them anyway.
        const waiting = new Set(
          (
            await db
              .select({ id: syncEvents.snippetId })
              .from(syncEvents)
              .where(
                and(
                  eq(syncEvents.status, "pending"),
                  inArray(
                    syncEvents.snippetId,
                    stale.map((s) => s.snippetId),
                  ),
                ),
              )
          ).map((r) => r.id),
        );
        // Only snippets this database holds: an index shared with another source (tests
        // share one Neo4j) must not have its documents queued here, where the drain would
        // find no row and remove them.
        const held = new Set(
          (
            await db
              .select({ id: snippets.id })
              .from(snippets)
              .where(
                inArray(
                  snippets.id,
                  stale.map((s) => s.snippetId),
                ),
              )
          ).map((r) => r.id),
        );
        const fresh = stale.filter((s) => held.has(s.snippetId) && !waiting.has(s.snippetId));
        if (fresh.length > 0) {
          await db
            .insert(syncEvents)
            .values(
              fresh.map((s) => ({ snippetId: s.snippetId, userId: s.userId, operation: "upsert" })),
            );
        }
        queued += fresh.length;
      }
      return queued;
    },

    async resync(opts = {}) {
      const release = await deps.lock();
      if (!release) throw new Error("another sync is running; try again when it finishes");
      try {
        // Events up to now are covered by the rebuild; later ones are drained as usual.
        const [mark] = await db
          .select({ id: sql<number>`coalesce(max(${syncEvents.id}), 0)::bigint`.mapWith(Number) })
          .from(syncEvents);
        await index.clear();
        const size = opts.batchSize ?? 200;
        let count = 0;
        let after: string | undefined;
        for (;;) {
          const page = await db
            .select()
            .from(snippets)
            .where(after ? sql`${snippets.id} > ${after}` : undefined)
            .orderBy(asc(snippets.id))
            .limit(size);
          if (page.length === 0) break;
          await index.upsertMany(await documentsOf(page));
          count += page.length;
          after = page[page.length - 1]?.id;
        }
        await db
          .update(syncEvents)
          .set({ status: "done", processedAt: sql`now()` })
          .where(and(eq(syncEvents.status, "pending"), lte(syncEvents.id, mark?.id ?? 0)));
        return count;
      } finally {
        await release();
      }
    },

    start(idleMaxMs) {
      if (!stopped) return;
      stopped = false;
      halting = false;
      idleMax = Math.max(1, idleMaxMs);
      idleMin = Math.min(deps.idleMinMs ?? 250, idleMax);
      idleDelay = idleMin;
      listen();
      runLook();
    },
    async stop() {
      stopped = true;
      halting = true;
      clearTimeout(timer);
      timer = undefined;
      await listening;
      const l = listener;
      listener = undefined;
      await l?.close().catch(() => {});
      await running;
    },
  };
  return service;
}
