// The PostgreSQL error under whatever wraps it: drizzle's DrizzleQueryError keeps the
// driver's error as its `cause`; node-postgres and PGlite both report the SQLSTATE `code`
// and the `constraint` name (PGlite's message names it too, for older builds).

export interface PgError {
  /** SQLSTATE, e.g. 23505 unique_violation, 23503 foreign_key_violation. */
  code: string;
  constraint: string | undefined;
}

export function pgError(err: unknown): PgError | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const { code, constraint } = e as Error & { code?: unknown; constraint?: unknown };
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      const named =
        typeof constraint === "string" ? constraint : /constraint "([^"]+)"/.exec(e.message)?.[1];
      return { code, constraint: named };
    }
  }
  return undefined;
}

/** A violation of this constraint: `code` 23505 (unique) or 23503 (foreign key). */
export function violates(err: unknown, code: "23505" | "23503", constraint: string): boolean {
  const pg = pgError(err);
  return pg?.code === code && pg.constraint === constraint;
}
