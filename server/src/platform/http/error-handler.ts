// The one place where errors become HTTP responses, in the envelope of API.md.
// 5xx bodies are generic; the request id ties them to the log line with the detail.
import type { Socket } from "node:net";
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
} from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { pgError } from "../db/pg-error.js";
import { AppError, RateLimitedError, UnauthorizedError, UnavailableError } from "../errors.js";

/**
 * A row written for an account deleted after the request was authenticated (its other
 * requests in flight while DELETE /auth/me commits): the database refuses it by the foreign
 * key to users, and the answer is the one the same request gets a moment later — 401, the
 * account is gone — not a 500.
 */
function deletedAccount(err: unknown): AppError | undefined {
  const pg = pgError(err);
  return pg?.code === "23503" && pg.constraint?.endsWith("_user_id_users_id_fk")
    ? new UnauthorizedError("This account has been deleted")
    : undefined;
}

interface ValidationDetail {
  loc: (string | number)[];
  msg: string;
}

function validationDetails(err: FastifyError): ValidationDetail[] {
  const context = err.validationContext ?? "body";
  return (err.validation ?? []).map((v) => {
    const issue = (v.params as { issue?: { path?: PropertyKey[]; message?: string } } | undefined)
      ?.issue;
    const path =
      issue?.path?.map((p) => (typeof p === "number" ? p : String(p))) ??
      v.instancePath.split("/").filter(Boolean);
    return { loc: [context, ...path], msg: issue?.message ?? v.message ?? "Invalid value" };
  });
}

function frameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header("x-request-id", request.id);
  if (err.code === "FST_ERR_BAD_URL") {
    return reply
      .code(400)
      .send({ error: "bad_request", message: "The URL is not valid percent-encoded UTF-8" });
  }
  request.log.error({ err }, "framework error");
  return reply
    .code(500)
    .send({ error: "internal_error", message: "Internal server error", request_id: request.id });
}

/**
 * Fastify options for the errors that never reach setErrorHandler, so that they too answer
 * the API's envelope (issue 10 item 9): a path that is not valid percent-encoded UTF-8
 * (`GET /snippets/%c0%ae`) and malformed HTTP (oversized headers, garbage request lines).
 */
export const frameworkErrorOptions: Pick<
  FastifyServerOptions,
  "frameworkErrors" | "clientErrorHandler"
> = {
  frameworkErrors: frameworkError as FastifyServerOptions["frameworkErrors"],
  clientErrorHandler: (err: Error & { code?: string }, socket: Socket) => {
    if (err.code === "ECONNRESET" || socket.destroyed) return;
    const [status, reason, error, message] =
      err.code === "HPE_HEADER_OVERFLOW"
        ? [431, "Request Header Fields Too Large", "bad_request", "Request headers are too large"]
        : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? [408, "Request Timeout", "bad_request", "The request took too long to arrive"]
          : [400, "Bad Request", "bad_request", "Malformed HTTP request"];
    const body = JSON.stringify({ error, message });
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(err);
  },
};

export function registerErrorHandler(
  app: FastifyInstance,
  /** Gets the first say on unknown routes (the web UI's client-side routes). */
  notFoundFallback?: () =>
    | ((request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined)
    | undefined,
): void {
  app.setErrorHandler((caught: FastifyError, request, reply) => {
    const err = deletedAccount(caught) ?? caught;
    if (err instanceof AppError) {
      if (
        err instanceof RateLimitedError ||
        (err instanceof UnavailableError && err.retryAfterSeconds)
      )
        reply.header("retry-after", String(err.retryAfterSeconds));
      if (err.statusCode >= 500) request.log.error({ err }, "dependency unavailable");
      return reply
        .code(err.statusCode)
        .send({ error: err.code, message: err.message, ...err.extra });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const detail = validationDetails(err);
      const first = detail[0];
      return reply.code(422).send({
        error: "validation_error",
        message: first ? `${first.loc.join(".")}: ${first.msg}` : "Request validation failed",
        detail,
      });
    }
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return reply
        .code(413)
        .send({ error: "payload_too_large", message: "Request body is too large" });
    }
    if (typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify's own client errors: malformed JSON, unsupported content type, empty body…
      return reply.code(400).send({ error: "bad_request", message: err.message });
    }
    request.log.error({ err }, "unhandled error");
    return reply
      .code(500)
      .send({ error: "internal_error", message: "Internal server error", request_id: request.id });
  });

  app.setNotFoundHandler(
    (request, reply) =>
      notFoundFallback?.()?.(request, reply) ??
      reply.code(404).send({
        error: "not_found",
        message: `Route ${request.method} ${request.url.split("?")[0]} not found`,
      }),
  );
}
