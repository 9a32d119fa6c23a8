// `npm run sync-worker`: drains the sync outbox into the search index outside the API
// process (self-hosted and AWS modes). It reads the outbox table directly — lossless by
// construction, since events are rows committed with each change — and any number may run:
// an advisory lock lets one drain at a time, in event order.
import { ConfigError, loadSettings, type Settings } from "./config.js";
import { openDatabase } from "./db/database.js";
import { buildSearch } from "./search/search-wiring.js";
import { createSnippetService } from "./services/snippet-service.js";

const INTERVAL_MS = 500;

async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = loadSettings();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  if (!settings.databaseUrl) {
    console.error(
      "No DATABASE_URL: in embedded mode (PGlite) the API process syncs in-process; a separate sync worker needs PostgreSQL",
    );
    process.exit(2);
  }
  const database = await openDatabase({
    databaseUrl: settings.databaseUrl,
    dataDir: settings.dataDir,
  });
  const logger = {
    warn: (obj: object, msg: string) =>
      console.warn(JSON.stringify({ level: "warn", msg, ...obj })),
  };
  const parts = await buildSearch(settings, {
    database,
    snippets: createSnippetService({ db: database.db }),
    logger,
  });
  parts.sync.start(INTERVAL_MS);
  console.log(
    JSON.stringify({
      level: "info",
      msg: "sync worker ready",
      index: parts.index.kind,
      embedder: parts.embedder.model,
    }),
  );
  const stop = async () => {
    await parts.close();
    await database.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
