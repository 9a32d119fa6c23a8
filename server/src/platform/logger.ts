// JSON logs via pino. Anything that can hold a credential is redacted at the source,
// so a careless `log.info({ req })` cannot leak a token or password.
import {
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import { type LoggerOptions, stdTimeFunctions } from "pino";

export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "req.query.token",
  "headers.authorization",
  "authorization",
  "password",
  "*.password",
  "token",
  "*.token",
  "access_token",
  "*.access_token",
  "apiKey",
  "*.apiKey",
  "secret",
  "*.secret",
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    // ISO 8601, readable as it stands; the audit line's time is this field (an audit line
    // of its own with a second `time` key made every line carry two).
    timestamp: stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    serializers: {
      // The URL may carry ?token= for the WebSocket; log the path only.
      req: (req: { method: string; url: string; id: string }) => ({
        method: req.method,
        url: req.url.split("?")[0],
        id: req.id,
      }),
    },
  };
}

/**
 * One log line per request, when it completes: method, path, request id, status and
 * duration. Fastify's default writes two (`incoming request`, then `request completed`), each
 * a synchronous write of its own; at LOG_LEVEL=info those two lines and the run's audit line
 * were the largest part of the server's CPU per POST /execute (bench:execute).
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    if (error) {
      reply.log.error(
        { req: request, res: reply, err: error, responseTime: reply.elapsedTime },
        "request errored",
      );
    } else {
      reply.log.info(
        { req: request, res: reply, responseTime: reply.elapsedTime },
        "request completed",
      );
    }
  }
}

/**
 * Fastify's per-request child logger, made the cheap way: Fastify passes an options object
 * even when it is empty, and pino then takes its slow path (formatters rebuilt for every
 * child); without options pino only adds the request id binding.
 */
export const childLoggerFactory: NonNullable<FastifyServerOptions["childLoggerFactory"]> = (
  logger,
  bindings,
  opts,
) =>
  opts.level !== undefined || opts.serializers !== undefined
    ? logger.child(bindings, opts)
    : logger.child(bindings);
