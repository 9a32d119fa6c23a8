// Cognito mode: RS256 tokens verified against a real JWKS endpoint on 127.0.0.1.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CognitoAuthenticator } from "../../src/auth/cognito-authenticator.js";
import { type JwksServer, startJwksServer } from "../helpers/jwks-server.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const CLIENT_ID = "test-client-id";
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

describe("Cognito authentication", () => {
  let jwks: JwksServer;
  let t: TestApp;
  let iss: string;
  const access = (extra: Record<string, unknown> = {}) => ({
    sub: "cognito-sub-1",
    iss,
    token_use: "access",
    client_id: CLIENT_ID,
    username: "alice",
    ...extra,
  });
  const me = (token: string) =>
    t.app.inject({ method: "GET", url: "/auth/me", headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    jwks = await startJwksServer();
    iss = jwks.issuer;
    t = await createTestApp(
      "pglite",
      {
        AUTH_MODE: "cognito",
        COGNITO_USER_POOL_ID: "us-east-1_TestPool",
        COGNITO_CLIENT_ID: CLIENT_ID,
        COGNITO_ISSUER: jwks.issuer,
        COGNITO_JWKS_URL: jwks.url,
      },
      {
        authenticator: new CognitoAuthenticator({
          region: "us-east-1",
          userPoolId: "us-east-1_TestPool",
          clientId: CLIENT_ID,
          issuer: jwks.issuer,
          jwksUrl: jwks.url,
          jwksCooldownMs: 0,
          jwksTimeoutMs: 1000,
        }),
      },
    );
  });
  afterAll(async () => {
    await t?.close();
    await jwks?.close();
  });
  beforeEach(() => {
    jwks.failing = false;
  });

  it("accepts a valid access token and creates the user lazily, updating last_login", async () => {
    const res = await me(await jwks.sign(access()));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ username: "alice" });
    const config = await t.app.inject({ method: "GET", url: "/auth/config" });
    expect(config.json()).toEqual({
      mode: "cognito",
      cognito: {
        region: "us-east-1",
        user_pool_id: "us-east-1_TestPool",
        client_id: CLIENT_ID,
        domain: null,
      },
    });
  });

  it("accepts a valid id token (audience = client id) with its email", async () => {
    const token = await jwks.sign({
      sub: "cognito-sub-2",
      iss,
      token_use: "id",
      aud: CLIENT_ID,
      email: "bob@example.com",
      "cognito:username": "bob",
    });
    const res = await me(token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ email: "bob@example.com", username: "bob" });
  });

  const rejected: [string, () => Promise<string>][] = [
    ["expired", () => jwks.sign(access(), { expiresIn: -60 })],
    ["not yet valid", () => jwks.sign(access(), { notBefore: 600 })],
    [
      "wrong issuer",
      () => jwks.sign(access({ iss: "https://cognito-idp.us-east-1.amazonaws.com/other" })),
    ],
    ["wrong client", () => jwks.sign(access({ client_id: "someone-else" }))],
    [
      "id token for another audience",
      () => jwks.sign({ sub: "x", iss, token_use: "id", aud: "someone-else" }),
    ],
    ["wrong token_use", () => jwks.sign(access({ token_use: "refresh" }))],
    [
      "alg none",
      async () =>
        `${b64({ alg: "none", typ: "JWT" })}.${b64({ ...access(), exp: Math.floor(Date.now() / 1000) + 600 })}.`,
    ],
    [
      "tampered payload",
      async () => {
        const [h, , s] = (await jwks.sign(access())).split(".");
        return `${h}.${b64({ ...access({ sub: "admin" }), exp: Math.floor(Date.now() / 1000) + 600 })}.${s}`;
      },
    ],
    ["garbage", async () => "not.a.jwt"],
  ];
  for (const [name, make] of rejected) {
    it(`rejects a token that is ${name} with 401`, async () => {
      const res = await me(await make());
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toBe("unauthorized");
    });
  }

  it("signs in claims the users table cannot hold as they are, and leaves other accounts alone", async () => {
    const idToken = (sub: string, extra: Record<string, unknown>) =>
      jwks.sign({ sub, iss, token_use: "id", aud: CLIENT_ID, ...extra });
    const victim = await me(await idToken("claims-victim", { email: "carol@example.com" }));
    expect(victim.statusCode).toBe(200);
    // Each of these answered 500 (a unique or length violation of the users table) on the
    // old code, for every request of that user — and one that claimed the victim's email or
    // stand-in first would have kept the victim out instead.
    const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
      [
        "claims-thief",
        { email: "carol@example.com" },
        { email: "claims-thief@users.cognito.invalid" },
      ],
      [
        "claims-long",
        { email: `${"a".repeat(300)}@example.com` },
        { email: "claims-long@users.cognito.invalid" },
      ],
      [
        "claims-standin",
        { email: "claims-victim-2@users.cognito.invalid" },
        { email: "claims-standin@users.cognito.invalid" },
      ],
      [
        "claims-name",
        { email: "dan@example.com", "cognito:username": "é".repeat(300) },
        { username: "é".repeat(255) },
      ],
    ];
    for (const [sub, claims, stored] of cases) {
      const res = await me(await idToken(sub, claims));
      expect(res.statusCode, sub).toBe(200);
      expect(res.json(), sub).toMatchObject(stored);
    }
    // The victims: the email's owner keeps it, and the subject whose stand-in was claimed
    // still signs in with an access token (no email: its stand-in).
    const again = await me(await idToken("claims-victim", { email: "carol@example.com" }));
    expect(again.json()).toEqual(victim.json());
    const standIn = await me(await jwks.sign(access({ sub: "claims-victim-2" })));
    expect(standIn.statusCode).toBe(200);
    expect(standIn.json()).toMatchObject({ email: "claims-victim-2@users.cognito.invalid" });
  });

  it("answers 401, not 500, to a subject too long for the users table", async () => {
    const res = await me(await jwks.sign(access({ sub: "s".repeat(256) })));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: "unauthorized" });
  });

  it("refetches the JWKS once for an unknown kid, then answers 401", async () => {
    await me(await jwks.sign(access()));
    const before = jwks.fetches;
    const res = await me(await jwks.sign(access(), { kid: "never-published" }));
    expect(res.statusCode).toBe(401);
    expect(jwks.fetches).toBe(before + 1);
  });

  it("picks up a rotated key by kid", async () => {
    await jwks.addKey("key-2");
    const res = await me(await jwks.sign(access(), { kid: "key-2" }));
    expect(res.statusCode).toBe(200);
  });

  it("answers 503 or 401, never 500, when the JWKS endpoint is down", async () => {
    const down = new CognitoAuthenticator({
      region: "us-east-1",
      userPoolId: "p",
      clientId: CLIENT_ID,
      issuer: iss,
      jwksUrl: jwks.url,
    });
    jwks.failing = true;
    await expect(down.verify(await jwks.sign(access()))).rejects.toMatchObject({
      statusCode: expect.any(Number),
    });
    const unreachable = new CognitoAuthenticator({
      region: "us-east-1",
      userPoolId: "p",
      clientId: CLIENT_ID,
      issuer: iss,
      jwksUrl: "http://127.0.0.1:9/jwks.json",
    });
    await expect(unreachable.verify(await jwks.sign(access()))).rejects.toMatchObject({
      statusCode: 503,
    });
    // Through the app with a cold key cache and a failing endpoint:
    const fresh = await createTestApp("pglite", {}, { authenticator: down });
    try {
      const res = await fresh.app.inject({
        method: "GET",
        url: "/auth/me",
        headers: { authorization: `Bearer ${await jwks.sign(access())}` },
      });
      expect([401, 503]).toContain(res.statusCode);
    } finally {
      await fresh.close();
    }
    // It builds a second app (PGlite, migrations, search): on a loaded machine that alone
    // took most of the default 30 s.
  }, 90_000);

  it("does not offer local registration in Cognito mode", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/auth/register",
      payload: { email: "a@b.co", password: "password123" },
    });
    expect(res.statusCode).toBe(400);
  });
});
