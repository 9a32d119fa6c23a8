// Request → user. Verifies the bearer token with the configured Authenticator and resolves
// (lazily creating) the user row. Used as a preHandler by every protected route and by /ws.
import type { FastifyRequest } from "fastify";
import type { UserRow } from "../platform/db/schema/index.js";
import { UnauthorizedError } from "../platform/errors.js";
import type { Authenticator } from "./authenticator.js";
import type { UserService } from "./user-service.js";

declare module "fastify" {
  interface FastifyRequest {
    user: UserRow | null;
  }
}

export type RequireUser = (request: FastifyRequest) => Promise<void>;

export interface AuthGuard {
  requireUser: RequireUser;
  /** For transports without headers (the WebSocket's ?token=). */
  userFromToken(token: string | undefined): Promise<UserRow>;
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, token] = header.split(" ");
  return scheme?.toLowerCase() === "bearer" && token ? token : undefined;
}

export function createAuthGuard(
  authenticator: Authenticator,
  users: Pick<UserService, "resolve">,
): AuthGuard {
  const userFromToken = async (token: string | undefined) => {
    if (!token && authenticator.mode !== "disabled")
      throw new UnauthorizedError("Missing bearer token");
    return users.resolve(await authenticator.verify(token ?? ""));
  };
  return {
    userFromToken,
    requireUser: async (request) => {
      request.user = await userFromToken(bearerToken(request.headers.authorization));
    },
  };
}

/** The user of a request that passed `requireUser`. */
export function currentUser(request: FastifyRequest): UserRow {
  if (!request.user) throw new UnauthorizedError();
  return request.user;
}
