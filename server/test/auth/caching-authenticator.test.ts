import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import type { Authenticator, Identity } from "../../src/auth/authenticator.js";
import { CachingAuthenticator } from "../../src/auth/caching-authenticator.js";
import { UnauthorizedError } from "../../src/platform/errors.js";

const secret = new TextEncoder().encode("caching-authenticator-test-secret");
const token = (expSeconds: number) =>
  new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setExpirationTime(expSeconds).sign(secret);

function counting(result: () => Identity): Authenticator & { calls: number } {
  return {
    mode: "local",
    calls: 0,
    async verify() {
      this.calls += 1;
      return result();
    },
  };
}

describe("CachingAuthenticator", () => {
  const id: Identity = { sub: "s", email: "e@example.com", username: null };

  it("verifies a token once, then answers from memory until a minute or its expiry passes", async () => {
    let now = 1_000_000_000_000;
    const inner = counting(() => id);
    const auth = new CachingAuthenticator(inner, () => now);
    const t = await token(now / 1000 + 3600);
    expect(await auth.verify(t)).toEqual(id);
    expect(await auth.verify(t)).toEqual(id);
    expect(inner.calls).toBe(1);
    now += 61_000;
    await auth.verify(t);
    expect(inner.calls).toBe(2);

    const short = await token(now / 1000 + 5);
    await auth.verify(short);
    now += 6_000;
    await auth.verify(short);
    expect(inner.calls).toBe(4);
  });

  it("when full, drops the least recently used token, not every token", async () => {
    const inner = counting(() => id);
    const auth = new CachingAuthenticator(inner);
    const exp = Math.floor(Date.now() / 1000) + 600;
    const other = (i: number) => new UnsecuredJWT({ i }).setExpirationTime(exp).encode();
    const hot = await token(exp);
    await auth.verify(hot);
    // Twice the cache's size of other clients, with the hot one in use between them.
    for (let i = 0; i < 20_000; i++) {
      await auth.verify(other(i));
      await auth.verify(hot);
    }
    expect(inner.calls).toBe(1 + 20_000);
    // The oldest other token was dropped; the most recent is still remembered.
    await auth.verify(other(0));
    expect(inner.calls).toBe(20_002);
    await auth.verify(other(19_999));
    expect(inner.calls).toBe(20_002);
  });

  it("never caches a refusal", async () => {
    let fail = true;
    const inner: Authenticator = {
      mode: "local",
      async verify() {
        if (fail) throw new UnauthorizedError("bad");
        return id;
      },
    };
    const auth = new CachingAuthenticator(inner);
    const t = await token(Math.floor(Date.now() / 1000) + 600);
    await expect(auth.verify(t)).rejects.toBeInstanceOf(UnauthorizedError);
    fail = false;
    expect(await auth.verify(t)).toEqual(id);
  });

  it("passes non-JWT tokens through uncached", async () => {
    const inner = counting(() => id);
    const auth = new CachingAuthenticator(inner);
    await auth.verify("");
    await auth.verify("");
    expect(inner.calls).toBe(2);
    expect(auth.mode).toBe("local");
  });
});
