// AWS Lambda entry that applies the committed migrations (invoked by the deployment).
import { loadSettingsWithSecrets, type Settings } from "../platform/config.js";
import { openDatabase } from "../platform/db/database.js";

export async function runMigrations(settings: Settings): Promise<{ status: "ok"; driver: string }> {
  const database = await openDatabase({
    databaseUrl: settings.databaseUrl,
    dataDir: settings.dataDir,
  });
  try {
    await database.migrate();
    return { status: "ok", driver: database.driver };
  } finally {
    await database.close();
  }
}

export const handler = async (): Promise<{ status: "ok"; driver: string }> =>
  runMigrations(await loadSettingsWithSecrets());
