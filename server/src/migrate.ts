// `npm run migrate`: applies the committed migrations to DATABASE_URL (or the embedded PGlite).
import { openDatabase } from "./platform/db/database.js";
import { runEntry, settingsOrExit } from "./platform/entry.js";

runEntry(async () => {
  const settings = await settingsOrExit();
  const database = await openDatabase({
    databaseUrl: settings.databaseUrl,
    dataDir: settings.dataDir,
  });
  try {
    await database.migrate();
    console.log(`migrations applied (${database.driver})`);
  } finally {
    await database.close();
  }
});
