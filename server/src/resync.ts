// `npm run resync`: rebuilds the configured search index from PostgreSQL — after switching
// SEARCH_INDEX or EMBEDDER, or to repair an index. Outbox events up to the start are covered
// by the rebuild and marked done; later ones are drained as usual.

import { openDatabase } from "./platform/db/database.js";
import { runEntry, settingsOrExit } from "./platform/entry.js";
import { buildSearch } from "./search/search-module.js";
import { composeSnippets } from "./snippets/snippets-module.js";

async function main(): Promise<void> {
  const settings = await settingsOrExit();
  const database = await openDatabase({
    databaseUrl: settings.databaseUrl,
    dataDir: settings.dataDir,
  });
  if (settings.autoMigrate) await database.migrate();
  const parts = await buildSearch(settings, {
    database,
    snippets: composeSnippets({ database }).snippets,
  });
  const started = Date.now();
  try {
    const count = await parts.sync.resync();
    console.log(
      `resync: ${count} snippets indexed into ${parts.index.kind} with ${parts.embedder.model} in ${Date.now() - started} ms`,
    );
  } finally {
    await parts.close();
    await database.close();
  }
}

runEntry(main);
