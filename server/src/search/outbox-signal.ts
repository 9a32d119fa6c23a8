// Wake-ups for the sync when an outbox event commits. A trigger on `sync_events` (migration
// 0009) sends NOTIFY on one channel after every committed insert, whoever wrote it — the
// snippet service, account deletion, the sync's own re-embedding or Big-O estimates, or
// another process on the same PostgreSQL. Both drivers deliver it: node-postgres to a LISTEN
// connection held out of the pool, PGlite through its own `listen`. A notification only says
// "look now": the outbox rows stay the source of truth, so a lost one costs latency, never
// an event (the sync still looks at an idle outbox now and then).

import { listenOn } from "../jobs/realtime/pg-listen.js";
import type { Database } from "../platform/db/database.js";

/** The channel the `sync_events` insert trigger notifies. */
export const SYNC_CHANNEL = "code_remote_sync";

export interface OutboxListener {
  close(): Promise<void>;
}

export interface OutboxSignal {
  /** Calls `onWake` after each commit that added outbox events, until closed; resolves once
   * listening. `onLost` says the listener died (its connection broke): listen again. */
  listen(onWake: () => void, onLost: (err: Error) => void): Promise<OutboxListener>;
}

/** The database's own notifications, for either driver; undefined if it offers none. */
export function outboxSignal(
  database: Pick<Database, "pool" | "pglite">,
): OutboxSignal | undefined {
  const { pool, pglite } = database;
  if (pool) {
    return {
      listen: (onWake, onLost) =>
        listenOn(pool, SYNC_CHANNEL, { onPayload: () => onWake(), onLost }),
    };
  }
  if (pglite) {
    return {
      async listen(onWake) {
        // PGlite runs in this process: its listener cannot lose a connection.
        const unlisten = await pglite.listen(SYNC_CHANNEL, () => onWake());
        return { close: () => unlisten() };
      },
    };
  }
  return undefined;
}
