// JSON request bodies are UTF-8 (RFC 8259 §8.1), decoded strictly. Fastify's own parser
// decodes the bytes with replacement, so invalid UTF-8 — a Latin-1 "café", the encoded bytes
// of a lone surrogate (ED B3 BF), an overlong "/" — became U+FFFD and was stored as if the
// client had sent it; a body labelled with another charset was read as UTF-8 just the same.
// Both now answer 400 bad_request and change nothing. The JSON text itself still goes through
// Fastify's parser (its __proto__/constructor poisoning refusal included).
import type { FastifyInstance } from "fastify";
import { BadRequestError } from "../errors.js";

/** `fatal`: a malformed sequence throws instead of becoming U+FFFD; a leading BOM is dropped. */
const utf8 = new TextDecoder("utf-8", { fatal: true });

export function registerJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers["content-type"] ?? "");
    if (charset?.[1] && !/^utf-?8$/i.test(charset[1])) {
      done(new BadRequestError("JSON bodies must be UTF-8 (charset=utf-8)"), undefined);
      return;
    }
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new BadRequestError("The body is not valid UTF-8"), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
