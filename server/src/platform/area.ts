// What every area module is composed from, and what it may hand back. An area module
// (`<area>/<area>-module.ts`) builds its services, declared processors and routes from
// these; entry points (main, workers, Lambdas, CLI jobs) compose only the areas they need.
import type { Logger } from "pino";
import type { Settings } from "./config.js";
import type { Database } from "./db/database.js";

/** The shared pieces every area may use: settings, the database and a logger. */
export interface Platform {
  settings: Settings;
  database: Database;
  logger: Logger;
}

/**
 * Background work an area declares: what it handles, and how it starts and stops. Each is
 * started by its own setting (see docs/configuration.md), never as a side effect of another.
 */
export interface Processor {
  /** A short name for logs (`execution-jobs`, `search-sync`). */
  readonly name: string;
  /** What the processor consumes, in words (`execution jobs from the job queue`). */
  readonly handles: string;
  start(): void;
  /** Stops taking work and lets work in progress finish. */
  stop(): Promise<void>;
}

/** Runs shutdown steps once, in reverse order of registration (last built, first closed). */
export class Closer {
  private readonly steps: (() => Promise<void> | void)[] = [];
  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }
  async close(): Promise<void> {
    while (this.steps.length > 0) await this.steps.pop()?.();
  }
}
