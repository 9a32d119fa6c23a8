// `npm run worker`: a process that runs queued execution jobs and nothing else — no HTTP
// routes, no search sync (that is `npm run sync-worker`). It composes the snippets area,
// a sandbox and the async-execution area with its execution-job processor started; output
// and results leave through the notifier (Postgres fan-out or API Gateway), so any number
// of workers can run beside any number of API processes.
import { pino } from "pino";
import { requestPolicy, sandboxOptions, startSandbox } from "./execution/execution-module.js";
import { composeAsyncExecution } from "./jobs/jobs-module.js";
import { Closer, type Platform } from "./platform/area.js";
import { openDatabase } from "./platform/db/database.js";
import { runEntry, settingsOrExit } from "./platform/entry.js";
import { loggerOptions } from "./platform/logger.js";
import { composeSnippets } from "./snippets/snippets-module.js";

async function main(): Promise<void> {
  const settings = await settingsOrExit();
  if (settings.queue.kind === "memory") {
    console.error(
      "JOB_QUEUE=memory: jobs live inside the API process; a worker needs JOB_QUEUE=sqs",
    );
    process.exit(2);
  }
  const logger = pino(loggerOptions(settings.logLevel));
  const closer = new Closer();
  const database = await openDatabase({
    databaseUrl: settings.databaseUrl,
    dataDir: settings.dataDir,
  });
  closer.add(() => database.close());
  if (settings.autoMigrate) await database.migrate();
  const platform: Platform = { settings, database, logger };
  const { snippets } = composeSnippets(platform);
  const sandbox = await startSandbox(sandboxOptions(settings, logger));
  closer.add(() => sandbox.close());
  const asyncExecution = await composeAsyncExecution(platform, {
    snippets,
    policy: requestPolicy(platform, snippets),
    sandbox,
    runJobs: true,
  });
  closer.add(() => asyncExecution.close());
  asyncExecution.processor?.start();
  logger.info({ queue: settings.queue.kind, notifier: settings.notifier.kind }, "worker ready");
  const stop = async (signal: string) => {
    logger.info({ signal }, "worker stopping: finishing running jobs");
    await closer.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

runEntry(main);
