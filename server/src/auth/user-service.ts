// Users: lazy creation from token claims, and the local account flows (register, login).
import { randomUUID } from "node:crypto";
import type { Db } from "../platform/db/database.js";
import type { UserRow } from "../platform/db/schema/index.js";
import { ConflictError, UnauthorizedError } from "../platform/errors.js";
import type { Identity } from "./authenticator.js";
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from "./password.js";
import { findLocalCredentials, insertLocalUser, upsertUserFromIdentity } from "./user-repo.js";

/** last_login is refreshed at most this often per user, so reads don't each cost a write. */
const LAST_LOGIN_REFRESH_MS = 60_000;
const CACHE_LIMIT = 10_000;

export interface UserService {
  /** The user behind a verified identity, created on first use. */
  resolve(identity: Identity): Promise<UserRow>;
  register(input: {
    email: string;
    password: string;
    username?: string | undefined;
  }): Promise<UserRow>;
  /** Checks the password and returns the identity to put in a token. */
  login(input: { email: string; password: string }): Promise<Identity>;
}

export function createUserService(deps: { db: Db; now?: () => number }): UserService {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { user: UserRow; refreshedAt: number }>();

  return {
    async resolve(identity) {
      const hit = cache.get(identity.sub);
      if (
        hit &&
        now() - hit.refreshedAt < LAST_LOGIN_REFRESH_MS &&
        hit.user.email === identity.email
      ) {
        return hit.user;
      }
      const user = await upsertUserFromIdentity(deps.db, identity);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(identity.sub, { user, refreshedAt: now() });
      return user;
    },

    async register({ email, password, username }) {
      const normalized = email.trim().toLowerCase();
      const passwordHash = await hashPassword(password);
      const user = await insertLocalUser(deps.db, {
        sub: `local:${randomUUID()}`,
        email: normalized,
        username: username ?? null,
        passwordHash,
      });
      if (!user) throw new ConflictError("An account with this email already exists");
      return user;
    },

    async login({ email, password }) {
      const found = await findLocalCredentials(deps.db, email.trim().toLowerCase());
      const ok = await verifyPassword(password, found?.passwordHash ?? (await DUMMY_HASH_PROMISE));
      if (!found || !ok) throw new UnauthorizedError("Invalid email or password");
      return { sub: found.user.cognitoSub, email: found.user.email, username: found.user.username };
    },
  };
}
