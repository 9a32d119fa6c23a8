// `npm run sync-worker`: applies the sync outbox to the search index outside the API
// process (self-hosted and AWS modes).
//  - With JOB_QUEUE=sqs and SYNC_QUEUE_URL: through the queue — a relay publishes one
//    message per snippet with pending events, and consumers (this process and any other
//    sync worker) apply them, in parallel across snippets, in order within one.
//  - Otherwise: drains the outbox table directly; an advisory lock lets one worker drain at
//    a time, in event order.
// Both are lossless: the outbox rows, committed with each change, are the source of truth.
import { pino } from "pino";
import { createSqsClient, SqsQueue } from "./jobs/queue/sqs-queue.js";
import { openDatabase } from "./platform/db/database.js";
import { runEntry, settingsOrExit } from "./platform/entry.js";
import { loggerOptions } from "./platform/logger.js";
import { buildSearch } from "./search/search-module.js";
import { publishReady, type SyncMessage, startSyncConsumer } from "./search/sync-queue.js";
import { createSnippetService } from "./snippets/snippet-service.js";

const INTERVAL_MS = 500;

async function main(): Promise<void> {
  const settings = await settingsOrExit();
  if (!settings.databaseUrl) {
    console.error(
      "No DATABASE_URL: in embedded mode (PGlite) the API process syncs in-process; a separate sync worker needs PostgreSQL",
    );
    process.exit(2);
  }
  const logger = pino(loggerOptions(settings.logLevel));
  const database = await openDatabase({
    databaseUrl: settings.databaseUrl,
    dataDir: settings.dataDir,
  });
  const parts = await buildSearch(settings, {
    database,
    snippets: createSnippetService({ db: database.db }),
    logger,
  });
  const stops: (() => Promise<void>)[] = [];
  const { syncQueueUrl } = settings.queue;
  if (settings.queue.kind === "sqs" && syncQueueUrl) {
    const queue = await SqsQueue.open<SyncMessage>({
      client: createSqsClient({ region: settings.awsRegion, endpoint: settings.queue.sqsEndpoint }),
      queueUrl: syncQueueUrl,
      ownsClient: true,
    });
    const consumer = startSyncConsumer({ sync: parts.sync, queue, logger });
    const relay = setInterval(() => {
      publishReady(parts.sync, queue).catch((err: unknown) =>
        logger.warn({ err }, "sync relay could not publish"),
      );
    }, INTERVAL_MS);
    stops.push(async () => {
      clearInterval(relay);
      await consumer.stop(10_000);
      await queue.close();
    });
  } else {
    parts.sync.start(INTERVAL_MS);
  }
  logger.info(
    {
      index: parts.index.kind,
      embedder: parts.embedder.model,
      via: stops.length ? "queue" : "outbox",
    },
    "sync worker ready",
  );
  const stop = async () => {
    for (const s of stops) await s();
    await parts.close();
    await database.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

runEntry(main);
