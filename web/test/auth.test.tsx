import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Api } from "../src/api/http";
import { SignIn } from "../src/auth/SignIn";
import {
  hostedUiLoginUrl,
  loadSession,
  makeSession,
  SESSION_KEY,
  saveSession,
  tokenExpiry,
  tokenFromFragment,
} from "../src/auth/session";
import { AuthStore, EXPIRED_NOTICE } from "../src/auth/store";

function jwt(claims: object): string {
  const b64 = (o: object) =>
    btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${b64({ alg: "HS256" })}.${b64(claims)}.sig`;
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

afterEach(() => vi.useRealTimers());

describe("session", () => {
  it("reads exp and email from the token", () => {
    const t = jwt({ exp: 2_000_000_000, email: "a@b.c" });
    expect(tokenExpiry(t)).toBe(2_000_000_000_000);
    expect(makeSession(t, "local").email).toBe("a@b.c");
    expect(tokenExpiry("not-a-jwt")).toBeNull();
  });

  it("falls back to expires_in when the token has no exp", () => {
    const s = makeSession("opaque", "local", { expiresInSeconds: 60, now: 1000, email: "x@y.z" });
    expect(s.expiresAt).toBe(61_000);
  });

  it("survives a reload and is dropped once expired", () => {
    const s = makeSession(jwt({ exp: 2_000 }), "local", { email: "a@b.c" });
    saveSession(localStorage, s);
    expect(loadSession(localStorage, 1_000_000)).toEqual(s);
    expect(loadSession(localStorage, 2_000_000)).toBeNull();
    expect(localStorage.getItem(SESSION_KEY)).toBeNull();
  });

  it("ignores corrupt storage", () => {
    localStorage.setItem(SESSION_KEY, "{not json");
    expect(loadSession(localStorage)).toBeNull();
  });

  it("reads Cognito hosted-UI tokens from the fragment and builds the login URL", () => {
    expect(
      tokenFromFragment("#access_token=AT&id_token=IT&expires_in=3600&token_type=Bearer"),
    ).toEqual({
      token: "IT",
      expiresIn: 3600,
    });
    expect(tokenFromFragment("#state=1")).toBeNull();
    const url = hostedUiLoginUrl(
      { region: "eu-west-1", user_pool_id: "p", client_id: "c1", domain: "myapp" },
      "http://127.0.0.1:8000/",
    );
    expect(url).toBe(
      "https://myapp.auth.eu-west-1.amazoncognito.com/login?client_id=c1&response_type=token&scope=openid+email+profile&redirect_uri=http%3A%2F%2F127.0.0.1%3A8000%2F",
    );
  });
});

describe("auth state", () => {
  it("signs in, persists, and signs out", () => {
    const store = new AuthStore(localStorage);
    expect(store.getSnapshot()).toEqual({ status: "signed-out", notice: null });
    store.signIn(makeSession("tok", "local", { email: "a@b.c" }));
    expect(store.token()).toBe("tok");
    expect(new AuthStore(localStorage).getSnapshot().status).toBe("signed-in");
    store.signOut();
    expect(store.token()).toBeNull();
    expect(localStorage.getItem(SESSION_KEY)).toBeNull();
  });

  it("a 401 on an authenticated call sends the person back to sign in", async () => {
    const store = new AuthStore(localStorage);
    store.signIn(makeSession("tok", "local"));
    const fetchImpl = vi.fn(async () =>
      jsonResponse(401, { error: "unauthorized", message: "Token expired" }),
    );
    const api = new Api({ getToken: store.token, onUnauthorized: store.expire, fetchImpl });
    await expect(api.listSnippets()).rejects.toMatchObject({ status: 401 });
    expect(store.getSnapshot()).toEqual({ status: "signed-out", notice: EXPIRED_NOTICE });
    const [, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect((init.headers as Record<string, string>).authorization).toBe("Bearer tok");
  });

  it("a failed login (401 without a session) does not count as expiry", async () => {
    const store = new AuthStore(localStorage);
    const onUnauthorized = vi.fn();
    const api = new Api({
      getToken: store.token,
      onUnauthorized,
      fetchImpl: async () =>
        jsonResponse(401, { error: "unauthorized", message: "Invalid email or password" }),
    });
    await expect(api.login("a@b.c", "x")).rejects.toThrow("Invalid email or password.");
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it("expires the session when the token's time is up", () => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
    const store = new AuthStore(localStorage);
    store.signIn(makeSession(jwt({ exp: 1_060 }), "local"));
    vi.advanceTimersByTime(54_000);
    expect(store.getSnapshot().status).toBe("signed-in");
    vi.advanceTimersByTime(2_000);
    expect(store.getSnapshot()).toEqual({ status: "signed-out", notice: EXPIRED_NOTICE });
  });
});

describe("sign-in form", () => {
  it("creates an account then logs in, and shows server errors as sentences", async () => {
    const calls: string[] = [];
    const fetchImpl = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
      calls.push(`${init?.method} ${String(url)}`);
      if (String(url) === "/auth/register")
        return jsonResponse(201, { id: "u1", email: "a@b.c", username: null });
      return jsonResponse(200, {
        access_token: jwt({ exp: 2_000_000_000 }),
        token_type: "bearer",
        expires_in: 3600,
      });
    });
    const api = new Api({ getToken: () => null, fetchImpl: fetchImpl as unknown as typeof fetch });
    const onSignedIn = vi.fn();
    render(
      <SignIn
        api={api}
        config={{ mode: "local", cognito: null }}
        notice={null}
        onSignedIn={onSignedIn}
      />,
    );
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "a@b.c" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "correct horse" } });
    fireEvent.submit(screen.getByRole("form", { name: "Create account" }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalled());
    expect(calls).toEqual(["POST /auth/register", "POST /auth/login"]);
    expect(onSignedIn.mock.calls[0]?.[0]).toMatchObject({ email: "a@b.c", mode: "local" });
  });

  it("shows the expiry notice and a human error", async () => {
    const api = new Api({
      getToken: () => null,
      fetchImpl: async () =>
        jsonResponse(409, { error: "conflict", message: "email already registered" }),
    });
    render(
      <SignIn
        api={api}
        config={{ mode: "local", cognito: null }}
        notice={EXPIRED_NOTICE}
        onSignedIn={() => {}}
      />,
    );
    expect(screen.getByText(EXPIRED_NOTICE)).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "a@b.c" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "whatever1" } });
    fireEvent.submit(screen.getByRole("form", { name: "Sign in" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Email already registered.");
  });

  it("offers the Cognito hosted UI when the server is in Cognito mode", () => {
    const api = new Api({ getToken: () => null, fetchImpl: async () => jsonResponse(200, {}) });
    render(
      <SignIn
        api={api}
        config={{
          mode: "cognito",
          cognito: {
            region: "us-east-1",
            user_pool_id: "p",
            client_id: "c",
            domain: "auth.example.org",
          },
        }}
        notice={null}
        onSignedIn={() => {}}
      />,
    );
    const link = screen.getByRole("link", { name: "Sign in with Cognito" });
    expect(link.getAttribute("href")).toMatch(
      /^https:\/\/auth\.example\.org\/login\?client_id=c&response_type=token/,
    );
    expect(screen.queryByLabelText("Password")).toBeNull();
  });
});
