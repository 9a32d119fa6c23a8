// One LISTEN connection held out of a pg pool, shared by the realtime notifier and job
// control. pg-pool hands the same client to the next caller once it is released, so the
// connection's handlers must leave with it, and it must go back exactly once: a dying
// connection can emit more than one error, close() may already have released it, and
// pg-pool throws on a second release (an uncaught exception in the process).
import type pg from "pg";

export interface PgListenHandlers {
  onPayload(payload: string): void;
  /** The connection died; it has been released already. */
  onLost(err: Error): void;
}

export interface PgListener {
  /** Stops listening (UNLISTEN when the connection still works) and releases it once. */
  close(): Promise<void>;
}

export function quoteChannel(channel: string): string {
  return `"${channel.replaceAll('"', '""')}"`;
}

export async function listenOn(
  pool: pg.Pool,
  channel: string,
  handlers: PgListenHandlers,
): Promise<PgListener> {
  const client = await pool.connect();
  let released = false;
  const release = (err?: Error) => {
    if (released) return;
    released = true;
    client.off("error", onError);
    client.off("notification", onNotification);
    client.release(err);
  };
  const onError = (err: Error) => {
    release(err);
    handlers.onLost(err);
  };
  const onNotification = (n: pg.Notification) => {
    if (n.channel === channel && n.payload !== undefined) handlers.onPayload(n.payload);
  };
  client.on("error", onError);
  client.on("notification", onNotification);
  try {
    await client.query(`LISTEN ${quoteChannel(channel)}`);
  } catch (err) {
    release(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
  return {
    async close() {
      if (released) return;
      await client.query(`UNLISTEN ${quoteChannel(channel)}`).catch(() => {});
      release();
    },
  };
}
