import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../../src/auth/password.js";
import { localCredentials } from "../../src/platform/db/schema/index.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

describe("local accounts", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("pglite");
  });
  afterAll(async () => t?.close());

  const register = (payload: object) =>
    t.app.inject({ method: "POST", url: "/auth/register", payload });
  const login = (payload: object) => t.app.inject({ method: "POST", url: "/auth/login", payload });

  it("registers, logs in and answers /auth/me; stores only a salted slow hash", async () => {
    const reg = await register({
      email: "Carol@Example.com",
      password: "hunter2hunter2",
      username: "carol",
    });
    expect(reg.statusCode).toBe(201);
    expect(reg.json()).toMatchObject({ email: "carol@example.com", username: "carol" });
    const res = await login({ email: "carol@example.com", password: "hunter2hunter2" });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ token_type: "bearer", expires_in: 3600 });
    const me = await t.app.inject({
      method: "GET",
      url: "/auth/me",
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(me.json()).toEqual(reg.json());

    const [cred] = await t.testDb.database.db.select().from(localCredentials);
    expect(cred?.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(cred?.passwordHash).not.toContain("hunter2");
  });

  it("refuses a duplicate email with 409 and a wrong password with 401", async () => {
    await register({ email: "dave@example.com", password: "password-1" });
    const dup = await register({ email: "DAVE@example.com", password: "password-2" });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toBe("conflict");
    const wrong = await login({ email: "dave@example.com", password: "password-2" });
    expect(wrong.statusCode).toBe(401);
    const unknown = await login({ email: "nobody@example.com", password: "password-2" });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().message).toBe(wrong.json().message);
  });

  it("rejects expired, foreign-signed and tampered tokens", async () => {
    const secret = new Uint8Array(
      Buffer.from(readFileSync(join(t.dataDir, "jwt-secret"), "utf8"), "base64url"),
    );
    const base = () =>
      new SignJWT({ email: "x@example.com" })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject("local:x")
        .setIssuer("code-remote")
        .setAudience("code-remote-api");
    const expired = await base().setIssuedAt(1).setExpirationTime(2).sign(secret);
    const foreign = await base()
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("another-secret-another-secret-xx"));
    const good = await base().setExpirationTime("1h").sign(secret);
    const [h, p, s] = good.split(".");
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p as string, "base64url").toString()), sub: "local:admin" })).toString("base64url")}.${s}`;
    for (const token of [expired, foreign, tampered]) {
      const res = await t.app.inject({
        method: "GET",
        url: "/auth/me",
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.statusCode).toBe(401);
    }
    const ok = await t.app.inject({
      method: "GET",
      url: "/auth/me",
      headers: { authorization: `Bearer ${good}` },
    });
    expect(ok.statusCode).toBe(200);
  });

  it("persists the signing key in the data dir with owner-only permissions", () => {
    const file = join(t.dataDir, "jwt-secret");
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it("hashes verify only against the right password", async () => {
    const h = await hashPassword("pässwörd");
    expect(await verifyPassword("pässwörd", h)).toBe(true);
    expect(await verifyPassword("passwörd", h)).toBe(false);
    expect(await verifyPassword("pässwörd", "md5$abc")).toBe(false);
    expect(await hashPassword("pässwörd")).not.toBe(h);
  });
});
