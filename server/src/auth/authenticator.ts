// The Authenticator port: turns a bearer token into the identity it vouches for.
// Adapters: local (server-issued HS256 JWTs) and Cognito (RS256 against the pool's JWKS).
import { createHash } from "node:crypto";

export interface Identity {
  /** The identity provider's subject; stored as users.cognito_sub. */
  sub: string;
  email: string;
  username: string | null;
  /** The token's `iat` (seconds): a token issued before its account was deleted is refused. */
  issuedAt?: number | undefined;
}

export interface Authenticator {
  readonly mode: "local" | "cognito" | "disabled";
  /** Resolves the identity or throws UnauthorizedError (bad token) / UnavailableError (JWKS down). */
  verify(token: string): Promise<Identity>;
}

/** Emails in this domain are never a mailbox (`.invalid` is reserved, RFC 2606). */
export const PLACEHOLDER_EMAIL_DOMAIN = "users.cognito.invalid";

/**
 * The stand-in email of a subject whose token carries none (Cognito access tokens), or whose
 * claimed email cannot be stored (another account's, too long, another subject's stand-in).
 * Unique per subject and short enough for users.email (255): a long subject is hashed.
 */
export function placeholderEmail(sub: string): string {
  const local = sub.length <= 200 ? sub : createHash("sha256").update(sub).digest("hex");
  return `${local}@${PLACEHOLDER_EMAIL_DOMAIN}`;
}
