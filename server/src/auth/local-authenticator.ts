// Local accounts: the server is its own issuer. Tokens are HS256 JWTs signed with a secret
// from JWT_SECRET or, in the embedded default, one generated once and kept in DATA_DIR.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { errors, jwtVerify, SignJWT } from "jose";
import { UnauthorizedError } from "../platform/errors.js";
import type { Authenticator, Identity } from "./authenticator.js";

const ISSUER = "code-remote";
const AUDIENCE = "code-remote-api";

export interface LocalAuthOptions {
  secret: Uint8Array;
  ttlSeconds: number;
}

export class LocalAuthenticator implements Authenticator {
  readonly mode = "local" as const;
  constructor(private readonly opts: LocalAuthOptions) {}

  async issue(identity: Identity): Promise<{ token: string; expiresIn: number }> {
    const token = await new SignJWT({
      email: identity.email,
      username: identity.username,
      token_use: "access",
    })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(identity.sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.opts.ttlSeconds}s`)
      .sign(this.opts.secret);
    return { token, expiresIn: this.opts.ttlSeconds };
  }

  async verify(token: string): Promise<Identity> {
    try {
      const { payload } = await jwtVerify(token, this.opts.secret, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ["HS256"],
        // A token that never expires is refused, whoever signed it.
        requiredClaims: ["exp"],
      });
      if (typeof payload.sub !== "string" || typeof payload.email !== "string") {
        throw new UnauthorizedError("Token lacks required claims");
      }
      return {
        sub: payload.sub,
        email: payload.email,
        username: typeof payload.username === "string" ? payload.username : null,
        issuedAt: payload.iat,
      };
    } catch (err) {
      if (err instanceof UnauthorizedError) throw err;
      if (err instanceof errors.JWTExpired) throw new UnauthorizedError("Token expired");
      throw new UnauthorizedError("Invalid token");
    }
  }
}

/** The configured secret, or the one persisted in the data directory (created on first start). */
export function loadOrCreateSecret(configured: string | undefined, dataDir: string): Uint8Array {
  if (configured) return new TextEncoder().encode(configured);
  const file = join(dataDir, "jwt-secret");
  try {
    return new Uint8Array(Buffer.from(readFileSync(file, "utf8").trim(), "base64url"));
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(48);
    writeFileSync(file, secret.toString("base64url"), { mode: 0o600, flag: "wx" });
    return new Uint8Array(secret);
  }
}
