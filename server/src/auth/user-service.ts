// Users: lazy creation from token claims, and the local account flows (register, login).
import { randomUUID } from "node:crypto";
import type { Db } from "../platform/db/database.js";
import type { UserRow } from "../platform/db/schema/index.js";
import { ConflictError, UnauthorizedError } from "../platform/errors.js";
import type { Identity } from "./authenticator.js";
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from "./password.js";
import {
  deleteUser,
  findDeletion,
  findLocalCredentials,
  findUserBySub,
  insertLocalUser,
  upsertUserFromIdentity,
} from "./user-repo.js";

/** last_login is refreshed at most this often per user, so reads don't each cost a write. */
const LAST_LOGIN_REFRESH_MS = 60_000;

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
  /** Deletes the account and everything it owns; its tokens answer 401 from then on. */
  remove(user: UserRow): Promise<void>;
}

export function createUserService(deps: { db: Db; now?: () => number }): UserService {
  const now = deps.now ?? Date.now;

  return {
    // No in-process cache of users: every process must see a deletion at once (a cached
    // row would let a deleted user's token write on). One indexed read per request; the
    // last_login write happens at most once a minute.
    async resolve(identity) {
      const existing = await findUserBySub(deps.db, identity.sub);
      if (existing) {
        const fresh =
          existing.lastLogin !== null &&
          now() - new Date(existing.lastLogin).getTime() < LAST_LOGIN_REFRESH_MS;
        if (fresh && existing.email === identity.email && existing.username === identity.username)
          return existing;
        return upsertUserFromIdentity(deps.db, identity);
      }
      const deletedAt = await findDeletion(deps.db, identity.sub);
      if (deletedAt && (identity.issuedAt ?? 0) * 1000 <= deletedAt.getTime()) {
        throw new UnauthorizedError("This account has been deleted");
      }
      return upsertUserFromIdentity(deps.db, identity);
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

    async remove(user) {
      await deleteUser(deps.db, user);
    },
  };
}
