// The closed set of errors that services throw. One error handler (platform/http/error-handler.ts)
// maps each to the envelope of API.md; anything else becomes a generic 500.

import { z } from "zod";

/** A static-policy finding, as API.md writes it (in a refusal and in an ExecutionResponse).
 * The one definition: the sandbox port, the routes' schemas and the web client derive theirs. */
export const securityViolationSchema = z
  .object({
    type: z.string(),
    /** 1-based line. */
    line: z.number().int(),
    /** 0-based column, counted in characters (code points) of the line. */
    column: z.number().int(),
    message: z.string(),
  })
  .meta({ id: "SecurityViolation" });
export type SecurityViolation = z.infer<typeof securityViolationSchema>;

export abstract class AppError extends Error {
  abstract readonly statusCode: number;
  abstract readonly code: string;
  /** Extra top-level fields merged into the error body. */
  readonly extra: Record<string, unknown> = {};
}

export class BadRequestError extends AppError {
  readonly statusCode = 400;
  readonly code = "bad_request";
}

/** A request the schemas let through but a platform rule refuses (e.g. text that is not
 * storable Unicode); same envelope as a schema failure. */
export class ValidationError extends AppError {
  readonly statusCode = 422;
  readonly code = "validation_error";
  constructor(loc: (string | number)[], msg: string) {
    super(`${loc.join(".")}: ${msg}`);
    this.extra.detail = [{ loc, msg }];
  }
}

export class UnauthorizedError extends AppError {
  readonly statusCode = 401;
  readonly code = "unauthorized";
  constructor(message = "Not authenticated") {
    super(message);
  }
}

export class NotFoundError extends AppError {
  readonly statusCode = 404;
  readonly code = "not_found";
}

export class ConflictError extends AppError {
  readonly statusCode = 409;
  readonly code = "conflict";
}

export class PayloadTooLargeError extends AppError {
  readonly statusCode = 413;
  readonly code = "payload_too_large";
}

export class SecurityViolationError extends AppError {
  readonly statusCode = 400;
  readonly code = "security_violation";
  constructor(
    readonly violations: SecurityViolation[],
    message = "Code violates the security policy",
  ) {
    super(message);
    this.extra.security_violations = violations;
  }
}

export class RateLimitedError extends AppError {
  readonly statusCode = 429;
  readonly code = "rate_limited";
  constructor(
    readonly retryAfterSeconds: number,
    message = "Too many requests",
  ) {
    super(message);
  }
}

export class UnavailableError extends AppError {
  readonly statusCode = 503;
  readonly code = "service_unavailable";
  constructor(
    message: string,
    /** Sent as Retry-After when the outage is known to be short (a restarting sandbox). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Not an HTTP error: a problem of the machine a person must fix at start (a missing
 * package…); entry points print its message without a stack trace. */
export class StartupError extends Error {}
