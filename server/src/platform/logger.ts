// JSON logs via pino. Anything that can hold a credential is redacted at the source,
// so a careless `log.info({ req })` cannot leak a token or password.
import type { LoggerOptions } from "pino";

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
