// Composition of the auth area: the Authenticator chosen by settings (local, Cognito or
// disabled), the user service, the request guard every other area's routes use, and the
// /auth routes. Entry points without HTTP routes (the WebSocket Lambda) use the guard alone.
import type { FastifyInstance } from "fastify";
import type { Platform } from "../platform/area.js";
import type { Settings } from "../platform/config.js";
import { type AuthGuard, createAuthGuard } from "./auth-guard.js";
import { type AuthRouteDeps, registerAuthRoutes } from "./auth-routes.js";
import { createAuthThrottle } from "./auth-throttle.js";
import type { Authenticator } from "./authenticator.js";
import { CachingAuthenticator } from "./caching-authenticator.js";
import { CognitoAuthenticator } from "./cognito-authenticator.js";
import { DisabledAuthenticator } from "./disabled-authenticator.js";
import { LocalAuthenticator, loadOrCreateSecret } from "./local-authenticator.js";
import { createUserService, type UserService } from "./user-service.js";

export interface AuthArea {
  users: UserService;
  guard: AuthGuard;
  /** Registers /auth/* in its own scope; `onAccountDeleted` as in AuthRouteDeps. */
  routes(app: FastifyInstance, hooks?: Pick<AuthRouteDeps, "onAccountDeleted">): Promise<void>;
}

function buildAuthenticator(settings: Settings): Authenticator {
  const { auth } = settings;
  if (auth.mode === "disabled") return new DisabledAuthenticator();
  if (auth.mode === "cognito") {
    return new CognitoAuthenticator({
      region: auth.cognito.region,
      userPoolId: auth.cognito.userPoolId ?? "",
      clientId: auth.cognito.clientId ?? "",
      issuer: auth.cognito.issuer,
      jwksUrl: auth.cognito.jwksUrl,
    });
  }
  return new LocalAuthenticator({
    secret: loadOrCreateSecret(auth.jwtSecret, settings.dataDir),
    ttlSeconds: auth.accessTokenTtlSeconds,
  });
}

export function composeAuth(
  platform: Pick<Platform, "settings" | "database">,
  overrides: { authenticator?: Authenticator | undefined } = {},
): AuthArea {
  const { settings, database } = platform;
  const authenticator = overrides.authenticator ?? buildAuthenticator(settings);
  // Local sign-up and login exist only when this server issues the tokens itself.
  const localAuth = authenticator instanceof LocalAuthenticator ? authenticator : undefined;
  // PGlite: this process is the database's only client, so its cache of user rows is exact.
  const users = createUserService({ db: database.db, cacheRows: database.driver === "pglite" });
  const guard = createAuthGuard(new CachingAuthenticator(authenticator), users);
  return {
    users,
    guard,
    routes: async (app, hooks = {}) => {
      await app.register(async (scope) =>
        registerAuthRoutes(scope, {
          users,
          guard,
          localAuth,
          auth: settings.auth,
          throttle: createAuthThrottle(database.db, settings.auth.throttle),
          ...hooks,
        }),
      );
    },
  };
}
