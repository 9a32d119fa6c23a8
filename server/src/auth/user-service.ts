// Users: lazy creation from token claims, and the local account flows (register, login).
import { randomUUID } from "node:crypto";
import { LRUCache } from "lru-cache";
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
  MAX_USER_TEXT,
  storableIdentity,
  upsertUserFromIdentity,
} from "./user-repo.js";

/** last_login is refreshed at most this often per user, so reads don't each cost a write. */
const LAST_LOGIN_REFRESH_MS = 60_000;
/** Users whose rows stay in memory (cacheRows), least recently used dropped first. */
const CACHED_USERS = 10_000;

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
  /** Deletes the account and everything it owns; its tokens answer 401 from then on.
   * Answers the API Gateway WebSocket connections it had (deleteUser), to be closed. */
  remove(user: UserRow): Promise<{ connections: string[] }>;
}

export interface UserServiceDeps {
  db: Db;
  now?: () => number;
  /**
   * Keep user rows in this process's memory. Exact only where this process is the
   * database's one client (PGlite: no other process can open it), since every write of a
   * user row then goes through this service, which updates or drops the cached row with
   * it. With a shared PostgreSQL another process could delete the user, and a cached row
   * would let that user's token write on: never set it there.
   */
  cacheRows?: boolean;
}

export function createUserService(deps: UserServiceDeps): UserService {
  const now = deps.now ?? Date.now;
  // The indexed read per request cost 1.6 ms of CPU on PGlite (a third of the server's
  // CPU per run in bench:execute).
  const cache = deps.cacheRows ? new LRUCache<string, UserRow>({ max: CACHED_USERS }) : undefined;
  /** Bumped before and after every deletion: a read that overlapped one is not cached. */
  let deletions = 0;
  const remember = (row: UserRow, seen: number): UserRow => {
    if (cache && seen === deletions) cache.set(row.cognitoSub, Object.freeze(row));
    return row;
  };
  const forget = (sub: string) => {
    deletions += 1;
    cache?.delete(sub);
  };
  /** The row as it stands serves this identity: claims unchanged, last_login recent. */
  const current = (row: UserRow, identity: Identity) =>
    row.lastLogin !== null &&
    now() - new Date(row.lastLogin).getTime() < LAST_LOGIN_REFRESH_MS &&
    row.email === identity.email &&
    row.username === identity.username;

  return {
    // One indexed read per request (none when cached); the last_login write happens at
    // most once a minute. Every process must see a deletion at once: hence no cache on a
    // database that other processes share.
    async resolve(claimed) {
      // A subject the users table cannot hold is no user of this server.
      if (Array.from(claimed.sub).length > MAX_USER_TEXT)
        throw new UnauthorizedError("Token subject is too long");
      const identity = storableIdentity(claimed);
      const hit = cache?.get(identity.sub);
      if (hit && current(hit, identity)) return hit;
      const seen = deletions;
      const existing = await findUserBySub(deps.db, identity.sub);
      if (existing) {
        if (current(existing, identity)) return remember(existing, seen);
        return remember(await upsertUserFromIdentity(deps.db, identity), seen);
      }
      const deletedAt = await findDeletion(deps.db, identity.sub);
      if (deletedAt && (identity.issuedAt ?? 0) * 1000 <= deletedAt.getTime()) {
        throw new UnauthorizedError("This account has been deleted");
      }
      return remember(await upsertUserFromIdentity(deps.db, identity), seen);
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
      forget(user.cognitoSub);
      try {
        return { connections: (await deleteUser(deps.db, user)).connections };
      } finally {
        forget(user.cognitoSub);
      }
    },
  };
}
