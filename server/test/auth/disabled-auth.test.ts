// AUTH_MODE=disabled (development only, refused in production): every request is one user.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

describe("auth disabled", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("pglite", { AUTH_MODE: "disabled" });
  });
  afterAll(async () => t?.close());

  it("serves protected routes without a token, all as the same developer user", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/snippets",
      payload: { code: "x = 1" },
    });
    expect(created.statusCode).toBe(201);
    const listed = await t.app.inject({
      method: "GET",
      url: "/snippets",
      headers: { authorization: "Bearer anything" },
    });
    expect(listed.json().items.map((i: { id: string }) => i.id)).toEqual([created.json().id]);
    const me = await t.app.inject({ method: "GET", url: "/auth/me" });
    expect(me.json()).toMatchObject({ email: "dev@localhost.invalid", username: "developer" });
  });

  it("says so in /auth/config and offers no local registration", async () => {
    expect((await t.app.inject({ method: "GET", url: "/auth/config" })).json()).toEqual({
      mode: "disabled",
      cognito: null,
    });
    const reg = await t.app.inject({
      method: "POST",
      url: "/auth/register",
      payload: { email: "a@b.co", password: "password123" },
    });
    expect(reg.statusCode).toBe(400);
  });
});
