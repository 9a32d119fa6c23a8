// AWS Lambda entry that applies the committed migrations. The deployment runs it as the
// handler of a CloudFormation custom resource (infra/lib/migrations.ts, through the CDK
// provider framework) on every create and update; it can also be invoked by hand.
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

/** The fields of a custom-resource event the handler reads (absent when invoked by hand). */
interface CustomResourceEvent {
  RequestType?: "Create" | "Update" | "Delete";
  PhysicalResourceId?: string;
}

export interface MigrateResult {
  PhysicalResourceId: string;
  Data: { status: "ok" | "skipped"; driver?: string };
}

/** One id for the life of the stack: CloudFormation never sees a replacement to delete. */
const RESOURCE_ID = "code-remote-migrations";

export const handler = async (event: CustomResourceEvent = {}): Promise<MigrateResult> => {
  // Migrations are never undone: deleting the stack (or the resource) leaves the data be.
  if (event.RequestType === "Delete") {
    return {
      PhysicalResourceId: event.PhysicalResourceId ?? RESOURCE_ID,
      Data: { status: "skipped" },
    };
  }
  const result = await runMigrations(await loadSettingsWithSecrets());
  return { PhysicalResourceId: RESOURCE_ID, Data: result };
};
