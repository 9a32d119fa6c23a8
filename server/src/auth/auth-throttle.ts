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
import type { Settings } from "../platform/config.js";
import type { Db } from "../platform/db/database.js";
import { RateLimitedError } from "../platform/errors.js";
import { createDbRateBudget } from "../platform/rate-budget.js";

const LOGIN_WINDOW_MS = 15 * 60_000;
const SIGNUP_WINDOW_MS = 60 * 60_000;
/** How long a sign-in makes its address known to the account. */
const KNOWN_WINDOW_MS = 30 * 24 * 60 * 60_000;

export interface AuthThrottle {
  login(client: string, email: string): Promise<void>;
  /** The password was right: `client` is known to the account from now on. */
  signedIn(client: string, email: string): Promise<void>;
  signup(client: string): Promise<void>;
}

export function createAuthThrottle(db: Db, limits: Settings["auth"]["throttle"]): AuthThrottle {
  const budget = (bucket: string, limit: number, windowMs: number) =>
    createDbRateBudget({ db, bucket, limit, windowMs });
  const loginAccount = budget("login-account", limits.loginPerAccount, LOGIN_WINDOW_MS);
  const loginClient = budget("login-client", limits.loginPerClient, LOGIN_WINDOW_MS);
  const signupClient = budget("signup-client", limits.signupPerClient, SIGNUP_WINDOW_MS);
  const loginPair = budget("login-account-client", limits.loginPerAccount, LOGIN_WINDOW_MS);
  // One row per (account, address) that signed in: recorded once a window (limit 1).
  const known = budget("login-known", 1, KNOWN_WINDOW_MS);
  const account = (email: string) => email.trim().toLowerCase();
  const pairKey = (client: string, email: string) => `${account(email)}\u0001${client}`;
  const refuse = (wait: number, what: string) => {
    if (wait > 0) throw new RateLimitedError(wait, `Too many ${what}; try again later`);
  };
  return {
    async login(client, email) {
      refuse(await loginClient.take(client), "sign-in attempts from this client");
      const pair = pairKey(client, email);
      if (limits.loginPerAccount > 0 && (await known.admitted(pair))) {
        refuse(await loginPair.take(pair), "sign-in attempts for this account from this client");
        return;
      }
      refuse(await loginAccount.take(account(email)), "sign-in attempts for this account");
    },
    async signedIn(client, email) {
      if (limits.loginPerAccount > 0) await known.take(pairKey(client, email));
    },
    async signup(client) {
      refuse(await signupClient.take(client), "sign-ups from this client");
    },
  };
}
