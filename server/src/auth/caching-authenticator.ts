// Remembers verified tokens for a short while. Verifying a JWT is the largest fixed cost of
// an authenticated request (webcrypto HMAC/RSA through promises); a client sends the same
// token many times. Entries never outlive the token's own expiry, and only successful
// verifications are cached, so a bad token is checked, and refused, every time. When full,
// the least recently used token goes, so the clients in use keep their entries.
import { decodeJwt } from "jose";
import { LRUCache } from "lru-cache";
import type { Authenticator, Identity } from "./authenticator.js";

const MAX_ENTRIES = 10_000;
const MAX_AGE_MS = 60_000;

export class CachingAuthenticator implements Authenticator {
  private readonly cache = new LRUCache<string, { identity: Identity; until: number }>({
    max: MAX_ENTRIES,
  });

  constructor(
    private readonly inner: Authenticator,
    private readonly now: () => number = Date.now,
  ) {}

  get mode() {
    return this.inner.mode;
  }

  async verify(token: string): Promise<Identity> {
    const now = this.now();
    const hit = this.cache.get(token);
    if (hit && hit.until > now) return hit.identity;
    if (hit) this.cache.delete(token);
    const identity = await this.inner.verify(token);
    let exp: number | undefined;
    try {
      exp = decodeJwt(token).exp;
    } catch {
      return identity; // not a JWT (auth disabled): nothing to key an expiry on
    }
    const until = Math.min(now + MAX_AGE_MS, typeof exp === "number" ? exp * 1000 : now);
    if (until > now) {
      this.cache.set(token, { identity, until });
    }
    return identity;
  }
}
