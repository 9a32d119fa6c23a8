// The Authenticator port: turns a bearer token into the identity it vouches for.
// Adapters: local (server-issued HS256 JWTs) and Cognito (RS256 against the pool's JWKS).

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
