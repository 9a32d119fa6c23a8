// Login and sign-up throttles (issue 10 item 6), shared by every process through the
// database: login per account (guessing one password) and per client address (spraying
// many accounts), sign-up per client address. Every attempt counts, successful or not,
// and is counted before the password is checked, so a throttled guess costs no hash.
import type { Settings } from "../platform/config.js";
import type { Db } from "../platform/db/database.js";
import { RateLimitedError } from "../platform/errors.js";
import { createDbRateBudget } from "../platform/rate-budget.js";

const LOGIN_WINDOW_MS = 15 * 60_000;
const SIGNUP_WINDOW_MS = 60 * 60_000;

export interface AuthThrottle {
  login(client: string, email: string): Promise<void>;
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
  const refuse = (wait: number, what: string) => {
    if (wait > 0) throw new RateLimitedError(wait, `Too many ${what}; try again later`);
  };
  return {
    async login(client, email) {
      refuse(await loginClient.take(client), "sign-in attempts from this client");
      refuse(
        await loginAccount.take(email.trim().toLowerCase()),
        "sign-in attempts for this account",
      );
    },
    async signup(client) {
      refuse(await signupClient.take(client), "sign-ups from this client");
    },
  };
}
