// Login and sign-up throttles (issue 10 item 6), shared by every process through the
// database: login per account (guessing one password) and per client address (spraying
// many accounts), sign-up per client address. Every attempt counts, successful or not,
// and is counted before the password is checked, so a throttled guess costs no hash.
//
// An account's budget is what many addresses guessing one password share, so anyone could
// spend it and lock the owner out. An address that has signed in to the account (in the
// last 30 days) is not held to it: its attempts count on a budget of that account and that
// address alone, of the same size — an owner signs in while others' guesses have used the
// account's budget up, and a guesser gains nothing it could not get from its own address.
import { and, count, eq, gt } from "drizzle-orm";
import type { Settings } from "../platform/config.js";
import type { Db } from "../platform/db/database.js";
import { rateEvents } from "../platform/db/schema/index.js";
import { RateLimitedError } from "../platform/errors.js";
import { createDbRateBudget } from "../platform/rate-budget.js";

const LOGIN_WINDOW_MS = 15 * 60_000;
const SIGNUP_WINDOW_MS = 60 * 60_000;
/** How long a sign-in makes its address known to the account. */
const KNOWN_WINDOW_MS = 30 * 24 * 60 * 60_000;
const KNOWN_BUCKET = "login-known";

export interface AuthThrottle {
  login(client: string, email: string): Promise<void>;
  /** The password was right: `client` is known to the account from now on. */
  signedIn(client: string, email: string): Promise<void>;
  signup(client: string): Promise<void>;
}

export function createAuthThrottle(db: Db, limits: Settings["auth"]["throttle"]): AuthThrottle {
  const loginAccount = createDbRateBudget({
    db,
    bucket: "login-account",
    limit: limits.loginPerAccount,
    windowMs: LOGIN_WINDOW_MS,
  });
  const loginClient = createDbRateBudget({
    db,
    bucket: "login-client",
    limit: limits.loginPerClient,
    windowMs: LOGIN_WINDOW_MS,
  });
  const signupClient = createDbRateBudget({
    db,
    bucket: "signup-client",
    limit: limits.signupPerClient,
    windowMs: SIGNUP_WINDOW_MS,
  });
  const loginPair = createDbRateBudget({
    db,
    bucket: "login-account-client",
    limit: limits.loginPerAccount,
    windowMs: LOGIN_WINDOW_MS,
  });
  // One row per (account, address) that signed in: recorded once a window (limit 1).
  const known = createDbRateBudget({
    db,
    bucket: KNOWN_BUCKET,
    limit: 1,
    windowMs: KNOWN_WINDOW_MS,
  });
  const pairKey = (client: string, email: string) => `${email.trim().toLowerCase()}\u0001${client}`;
  const isKnown = async (key: string) => {
    const [row] = await db
      .select({ n: count() })
      .from(rateEvents)
      .where(
        and(
          eq(rateEvents.bucket, KNOWN_BUCKET),
          eq(rateEvents.key, key),
          gt(rateEvents.at, new Date(Date.now() - KNOWN_WINDOW_MS)),
        ),
      );
    return (row?.n ?? 0) > 0;
  };
  const refuse = (wait: number, what: string) => {
    if (wait > 0) throw new RateLimitedError(wait, `Too many ${what}; try again later`);
  };
  return {
    async login(client, email) {
      refuse(await loginClient.take(client), "sign-in attempts from this client");
      const pair = pairKey(client, email);
      if (limits.loginPerAccount > 0 && (await isKnown(pair))) {
        refuse(await loginPair.take(pair), "sign-in attempts for this account from this client");
        return;
      }
      refuse(
        await loginAccount.take(email.trim().toLowerCase()),
        "sign-in attempts for this account",
      );
    },
    async signedIn(client, email) {
      if (limits.loginPerAccount > 0) await known.take(pairKey(client, email));
    },
    async signup(client) {
      refuse(await signupClient.take(client), "sign-ups from this client");
    },
  };
}
