// Starts the HTTP server with settings from the environment and shuts down cleanly.
import { buildApp } from "./app.js";
import { runEntry, settingsOrExit } from "./platform/entry.js";

async function main(): Promise<void> {
  const settings = await settingsOrExit();
  const app = await buildApp(settings);
  const close = async (signal: string) => {
    app.log.info({ signal }, "shutting down");
    await app.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void close("SIGINT"));
  process.once("SIGTERM", () => void close("SIGTERM"));
  await app.listen({ host: settings.host, port: settings.port });
}

runEntry(main);
