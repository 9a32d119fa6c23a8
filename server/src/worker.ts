// `npm run worker`: a process that executes queued jobs. It builds the same app as the API
// (same adapters from the same settings) with the in-process worker switched on, but does
// not listen for HTTP: output and results leave through the notifier (Postgres fan-out or
// API Gateway), so any number of workers can run beside any number of API processes.
import { buildApp } from "./app.js";
import { runEntry, settingsOrExit } from "./platform/entry.js";

async function main(): Promise<void> {
  const settings = await settingsOrExit();
  if (settings.queue.kind === "memory") {
    console.error(
      "JOB_QUEUE=memory: jobs live inside the API process; a worker needs JOB_QUEUE=sqs",
    );
    process.exit(2);
  }
  const app = await buildApp({
    ...settings,
    queue: { ...settings.queue, runWorkersInProcess: true },
  });
  await app.ready();
  app.log.info({ queue: settings.queue.kind, notifier: settings.notifier.kind }, "worker ready");
  const stop = async (signal: string) => {
    app.log.info({ signal }, "worker stopping: finishing running jobs");
    await app.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

runEntry(main);
