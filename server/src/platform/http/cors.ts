// CORS for a client hosted on another origin (the original's React app behind its own
// CloudFront, a Vite dev server…). The browser decides; we only say which origins may call.
// With no origins configured nothing is registered: same-origin only, as before.
import cors from "@fastify/cors";
import type { FastifyInstance } from "fastify";

/** Every method the API routes use; the preflight answers exactly these. */
const METHODS = ["GET", "POST", "PUT", "DELETE"];
/** The headers a client sets: its bearer token and a JSON body (x-request-id to join traces). */
const ALLOWED_HEADERS = ["Authorization", "Content-Type", "X-Request-Id"];
/** Readable by the client's script: the request id for support, Retry-After for 429s. */
const EXPOSED_HEADERS = ["X-Request-Id", "Retry-After"];
/** Browsers cap this anyway (Chromium at 2 h); 10 min keeps a changed list effective soon. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

export async function registerCors(app: FastifyInstance, origins: string[]): Promise<void> {
  if (origins.length === 0) return;
  const any = origins.includes("*");
  const allowed = new Set(origins);
  await app.register(cors, {
    // A listed origin is echoed back (with Vary: Origin); any other gets no CORS headers,
    // which the browser treats as a refusal. "*" is sent literally and never with
    // credentials, as the fetch standard requires.
    origin: any ? "*" : (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)),
    credentials: !any,
    methods: METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  });
}
