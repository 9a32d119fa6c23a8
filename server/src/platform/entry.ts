// Shared by the process entry points (server, workers, migrate, resync): settings that fail
// validation end the process with the list of bad variables and exit code 2, not a trace.
import { ConfigError, loadSettingsWithSecrets, type Settings } from "./config.js";
import { StartupError } from "./errors.js";

export async function settingsOrExit(): Promise<Settings> {
  try {
    return await loadSettingsWithSecrets();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

/** Runs an entry point's main; a failure is printed and exits with code 1. */
export function runEntry(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err instanceof StartupError ? `\n${err.message}\n` : err);
    process.exit(1);
  });
}
