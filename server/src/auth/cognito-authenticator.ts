// Cognito user pools: RS256 tokens verified against the pool's JWKS. jose's remote key set
// caches keys and refetches (rate-limited) when a token names an unknown `kid`, which is how
// key rotation arrives. Id tokens carry `aud`, access tokens `client_id`; both are checked.
import { createRemoteJWKSet, errors, jwtVerify } from "jose";
import { UnauthorizedError, UnavailableError } from "../platform/errors.js";
import { type Authenticator, type Identity, placeholderEmail } from "./authenticator.js";

export interface CognitoOptions {
  region: string;
  userPoolId: string;
  clientId: string;
  /** Overrides for tests or non-AWS OIDC issuers. */
  issuer?: string | undefined;
  jwksUrl?: string | undefined;
  jwksTimeoutMs?: number;
  /** Minimum time between JWKS refetches triggered by unknown `kid`s (abuse guard). */
  jwksCooldownMs?: number;
}

export class CognitoAuthenticator implements Authenticator {
  readonly mode = "cognito" as const;
  private readonly issuer: string;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly opts: CognitoOptions) {
    this.issuer =
      opts.issuer ?? `https://cognito-idp.${opts.region}.amazonaws.com/${opts.userPoolId}`;
    this.jwks = createRemoteJWKSet(
      new URL(opts.jwksUrl ?? `${this.issuer}/.well-known/jwks.json`),
      {
        timeoutDuration: opts.jwksTimeoutMs ?? 3_000,
        cooldownDuration: opts.jwksCooldownMs ?? 30_000,
        cacheMaxAge: 10 * 60_000,
      },
    );
  }

  async verify(token: string): Promise<Identity> {
    let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: this.issuer,
        algorithms: ["RS256"],
        requiredClaims: ["exp"],
      }));
    } catch (err) {
      throw mapJoseError(err);
    }
    const tokenUse = payload.token_use;
    if (tokenUse === "access") {
      if (payload.client_id !== this.opts.clientId)
        throw new UnauthorizedError("Token was issued to another client");
    } else if (tokenUse === "id") {
      const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!aud.includes(this.opts.clientId))
        throw new UnauthorizedError("Token was issued to another client");
    } else {
      throw new UnauthorizedError("Token is neither an id nor an access token");
    }
    if (typeof payload.sub !== "string") throw new UnauthorizedError("Token lacks a subject");
    const username =
      (typeof payload["cognito:username"] === "string" && payload["cognito:username"]) ||
      (typeof payload.username === "string" && payload.username) ||
      null;
    // Access tokens carry no email; the user row falls back to a stable placeholder.
    const email = typeof payload.email === "string" ? payload.email : placeholderEmail(payload.sub);
    return { sub: payload.sub, email, username, issuedAt: payload.iat };
  }
}

function mapJoseError(err: unknown): Error {
  if (err instanceof errors.JWKSTimeout)
    return new UnavailableError("Identity provider keys are unreachable");
  if (err instanceof errors.JWTExpired) return new UnauthorizedError("Token expired");
  if (err instanceof errors.JOSEError) return new UnauthorizedError("Invalid token");
  // fetch failures (connection refused, DNS) surface as plain errors from the key set.
  return new UnavailableError("Identity provider keys are unreachable");
}
