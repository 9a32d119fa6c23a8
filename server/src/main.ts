// Starts the HTTP server with settings from the environment and shuts down cleanly.
import { buildApp } from "./app.js";
import { ConfigError, loadSettings } from "./config.js";

async function main(): Promise<void> {
  let settings: ReturnType<typeof loadSettings>;
  try {
    settings = loadSettings();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
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

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
