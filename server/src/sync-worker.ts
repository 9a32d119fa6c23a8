// `npm run sync-worker`: applies the sync outbox to the search index outside the API
// process (self-hosted and AWS modes).
//  - With JOB_QUEUE=sqs and SYNC_QUEUE_URL: through the queue — a relay publishes one
//    message per snippet with pending events, and consumers (this process and any other
//    sync worker) apply them, in parallel across snippets, in order within one.
//  - Otherwise: drains the outbox table directly; an advisory lock lets one worker drain at
//    a time, in event order.
// Both are lossless: the outbox rows, committed with each change, are the source of truth.
// It estimates a missing Big-O exactly as the API process's in-process sync does (the
// offline analyser in a small sandbox pool of its own), so which process drains the
// outbox never changes what gets indexed.
import { pino } from "pino";
import { createOfflineEstimator } from "./analysis/create-provider.js";
import { sandboxOptions, startSandbox } from "./execution/execution-module.js";
import { createSqsClient, SqsQueue } from "./jobs/queue/sqs-queue.js";
import { openDatabase } from "./platform/db/database.js";
import { runEntry, settingsOrExit } from "./platform/entry.js";
import { loggerOptions } from "./platform/logger.js";
import { buildSearch, searchSyncProcessor } from "./search/search-module.js";
import { publishReady, type SyncMessage, startSyncConsumer } from "./search/sync-queue.js";
import { composeSnippets } from "./snippets/snippets-module.js";

/** How often the queue relay publishes ready snippets. */
const RELAY_INTERVAL_MS = 500;

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
  // One warm runner is enough: estimates are rare (only snippets without a Big-O).
  const sandbox = await startSandbox(
    sandboxOptions(settings, logger, { poolSize: 1, maxConcurrent: 1, inProcess: true }),
  );
  const parts = await buildSearch(settings, {
    database,
    snippets: composeSnippets({ database }).snippets,
    logger,
    overrides: { estimateComplexity: createOfflineEstimator(sandbox.runTool.bind(sandbox)) },
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
    }, RELAY_INTERVAL_MS);
    stops.push(async () => {
      clearInterval(relay);
      await consumer.stop(10_000);
      await queue.close();
    });
  } else {
    // Woken by each commit to the outbox (LISTEN/NOTIFY), from any process.
    const processor = searchSyncProcessor(parts.sync);
    processor.start();
    stops.push(() => processor.stop());
  }
  logger.info(
    {
      index: parts.index.kind,
      embedder: parts.embedder.model,
      via: syncQueueUrl && settings.queue.kind === "sqs" ? "queue" : "outbox",
    },
    "sync worker ready",
  );
  const stop = async () => {
    for (const s of stops) await s();
    await parts.close();
    await sandbox.close();
    await database.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

runEntry(main);
