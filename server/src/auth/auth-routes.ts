import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Settings } from "../platform/config.js";
import { BadRequestError } from "../platform/errors.js";
import { authErrors, errorSchema } from "../platform/http/common-schemas.js";
import type { AuthGuard } from "./auth-guard.js";
import { currentUser } from "./auth-guard.js";
import {
  accountDeletedSchema,
  authConfigSchema,
  loginSchema,
  registerSchema,
  tokenSchema,
  toUser,
  userSchema,
} from "./auth-schemas.js";
import type { AuthThrottle } from "./auth-throttle.js";
import type { LocalAuthenticator } from "./local-authenticator.js";
import type { UserService } from "./user-service.js";

export interface AuthRouteDeps {
  users: UserService;
  guard: AuthGuard;
  /** Present only in local mode: register and login exist only there. */
  localAuth: LocalAuthenticator | undefined;
  auth: Settings["auth"];
  /** Login and sign-up throttles; none means unthrottled (only tests of other areas). */
  throttle?: AuthThrottle;
  /** After an account is deleted: ends its open WebSocket connections (the realtime area's
   * Notifier.disconnect, given by the app: auth does not know the jobs area). */
  onAccountDeleted?: (userId: string, connections: string[]) => Promise<void>;
}

export async function registerAuthRoutes(app: FastifyInstance, deps: AuthRouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const local = () => {
    if (!deps.localAuth)
      throw new BadRequestError(`Local accounts are disabled (auth mode: ${deps.auth.mode})`);
    return deps.localAuth;
  };

  r.get(
    "/auth/config",
    {
      schema: {
        tags: ["auth"],
        summary: "How clients sign in",
        response: { 200: authConfigSchema },
      },
    },
    async () => {
      const c = deps.auth.cognito;
      return {
        mode: deps.auth.mode,
        cognito:
          deps.auth.mode === "cognito" && c.userPoolId && c.clientId
            ? {
                region: c.region,
                user_pool_id: c.userPoolId,
                client_id: c.clientId,
                domain: c.domain ?? null,
              }
            : null,
      };
    },
  );

  r.post(
    "/auth/register",
    {
      schema: {
        tags: ["auth"],
        summary: "Create a local account",
        body: registerSchema,
        response: {
          201: userSchema,
          400: errorSchema,
          409: errorSchema,
          422: errorSchema,
          429: errorSchema,
        },
      },
    },
    async (request, reply) => {
      local();
      await deps.throttle?.signup(request.ip);
      const user = await deps.users.register(request.body);
      return reply.code(201).send(toUser(user));
    },
  );

  r.post(
    "/auth/login",
    {
      schema: {
        tags: ["auth"],
        summary: "Exchange email and password for an access token",
        body: loginSchema,
        response: {
          200: tokenSchema,
          400: errorSchema,
          401: errorSchema,
          422: errorSchema,
          429: errorSchema,
        },
      },
    },
    async (request) => {
      const issuer = local();
      await deps.throttle?.login(request.ip, request.body.email);
      const identity = await deps.users.login(request.body);
      await deps.throttle?.signedIn(request.ip, request.body.email);
      await deps.users.resolve(identity);
      const { token, expiresIn } = await issuer.issue(identity);
      return { access_token: token, token_type: "bearer" as const, expires_in: expiresIn };
    },
  );

  r.get(
    "/auth/me",
    {
      onRequest: deps.guard.requireUser,
      schema: {
        tags: ["auth"],
        summary: "The signed-in user",
        security: [{ bearer: [] }],
        response: { 200: userSchema, ...authErrors },
      },
    },
    async (request) => toUser(currentUser(request)),
  );

  r.delete(
    "/auth/me",
    {
      onRequest: deps.guard.requireUser,
      schema: {
        tags: ["auth"],
        summary: "Delete the signed-in account and everything it owns",
        description:
          "Snippets, executions and search entries go with it; the account's tokens answer 401 from then on, and its open WebSockets get an `error` message and are closed (1008).",
        security: [{ bearer: [] }],
        response: { 200: accountDeletedSchema, ...authErrors },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const { connections } = await deps.users.remove(user);
      // The deletion has committed: a connection that cannot be closed now (the notifier's
      // database or API Gateway failing) is logged, never a failed deletion. Such a socket
      // reaches nothing of the account any more: its jobs are gone and no message names it.
      await deps.onAccountDeleted?.(user.id, connections).catch((err: unknown) => {
        request.log.warn(
          { err, user_id: user.id },
          "open WebSockets of a deleted account not closed",
        );
      });
      return { deleted: true as const, id: user.id };
    },
  );
}
