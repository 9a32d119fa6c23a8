// The Cognito sign-in path of the web UI against cognito-local (an npm Cognito emulator):
// the server runs with AUTH_MODE=cognito, trusting the emulator's issuer and JWKS. The UI
// learns the mode from /auth/config and signs in with the pool's USER_PASSWORD_AUTH flow;
// its requests to the regional Cognito endpoint are routed to the emulator, the way DNS
// would route them in a real deployment. The hosted-UI return (tokens in the URL fragment)
// is exercised with a real emulator token.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoAxeViolations, launchChromium, screenshot } from "./support/browser.js";
import { type CognitoLocal, startCognitoLocal } from "./support/cognito-local.js";
import { type RunningServer, startServer } from "./support/server.js";
import { buildWeb } from "./support/web-build.js";

const REGION = "eu-west-1";
const EMAIL = "carol@example.com";
const PASSWORD = "Passw0rd!long-enough";

let cognito: CognitoLocal;
let server: RunningServer;
let browser: Browser;

function cognitoEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    AUTH_MODE: "cognito",
    AWS_REGION: REGION,
    COGNITO_USER_POOL_ID: cognito.poolId,
    COGNITO_CLIENT_ID: cognito.clientId,
    COGNITO_ISSUER: cognito.issuer,
    COGNITO_JWKS_URL: `${cognito.issuer}/.well-known/jwks.json`,
    ...extra,
  };
}

beforeAll(async () => {
  await buildWeb();
  cognito = await startCognitoLocal();
  await cognito.createUser(EMAIL, PASSWORD);
  server = await startServer("cognito-e2e", cognitoEnv());
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await cognito?.stop();
});

describe("Cognito sign-in in the browser (cognito-local)", () => {
  it("the server reports Cognito mode", async () => {
    const res = await fetch(`${server.origin}/auth/config`);
    expect(await res.json()).toEqual({
      mode: "cognito",
      cognito: {
        region: REGION,
        user_pool_id: cognito.poolId,
        client_id: cognito.clientId,
        domain: null,
      },
    });
  });

  it("signs in with the user pool's password flow and uses the API with the id token", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    const idpCalls: string[] = [];
    await page.route(`https://cognito-idp.${REGION}.amazonaws.com/**`, async (route) => {
      idpCalls.push(route.request().headers()["x-amz-target"] ?? route.request().method());
      const response = await route.fetch({ url: `${cognito.endpoint}/` });
      await route.fulfill({ response });
    });
    await page.goto(`${server.origin}/`);
    await page.getByLabel("Username or email").fill(EMAIL);
    await page.getByLabel("Password").fill("wrong-password-1!");
    await page.locator("form").getByRole("button", { name: "Sign in" }).click();
    expect(await page.getByRole("alert").innerText()).toBe("Incorrect username or password.");
    await expectNoAxeViolations(page, "Cognito sign-in");
    await screenshot(page, "cognito-sign-in");

    await page.getByLabel("Password").fill(PASSWORD);
    await page.locator("form").getByRole("button", { name: "Sign in" }).click();
    await page.locator(".cm-content").waitFor({ timeout: 20_000 });
    expect(idpCalls).toContain("AWSCognitoIdentityProviderService.InitiateAuth");
    expect(await page.getByTestId("user-email").innerText()).toBe(EMAIL);
    // The server accepted the emulator's token: the snippet list loads and a save works.
    await page.getByText("No saved snippets yet").waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "Save as snippet" }).click();
    await page.getByRole("form", { name: "Save snippet" }).getByLabel("Title").fill("From Cognito");
    await page
      .getByRole("form", { name: "Save snippet" })
      .getByRole("button", { name: "Save snippet" })
      .click();
    await expect
      .poll(() => page.locator('[data-testid="snippet-item"] .snippet-open').allInnerTexts())
      .toEqual(["From Cognito"]);
    // The session survives a reload.
    await page.reload();
    await page.locator(".cm-content").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("user-email").innerText()).toBe(EMAIL);
    await ctx.close();
  }, 90_000);

  it("with a hosted-UI domain, offers the redirect and accepts the tokens it returns in the fragment", async () => {
    const hosted = await startServer(
      "cognito-hosted-e2e",
      cognitoEnv({ COGNITO_DOMAIN: "code-remote-e2e" }),
    );
    try {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(`${hosted.origin}/`);
      const link = page.getByRole("link", { name: "Sign in with Cognito" });
      const href = (await link.getAttribute("href")) ?? "";
      const url = new URL(href);
      expect(url.origin).toBe(`https://code-remote-e2e.auth.${REGION}.amazoncognito.com`);
      expect(url.pathname).toBe("/login");
      expect(url.searchParams.get("client_id")).toBe(cognito.clientId);
      expect(url.searchParams.get("response_type")).toBe("token");
      expect(url.searchParams.get("redirect_uri")).toBe(`${hosted.origin}/`);
      // What the hosted UI does after a successful sign-in: redirect back with tokens.
      const auth = await cognito.call<{
        AuthenticationResult: { IdToken: string; AccessToken: string };
      }>("InitiateAuth", {
        AuthFlow: "USER_PASSWORD_AUTH",
        ClientId: cognito.clientId,
        AuthParameters: { USERNAME: EMAIL, PASSWORD },
      });
      const r = auth.AuthenticationResult;
      await page.goto("about:blank"); // the hosted UI returns with a full page load
      await page.goto(
        `${hosted.origin}/#id_token=${r.IdToken}&access_token=${r.AccessToken}&expires_in=3600&token_type=Bearer`,
      );
      await page.locator(".cm-content").waitFor({ timeout: 20_000 });
      expect(new URL(page.url()).hash).toBe("");
      expect(await page.getByTestId("user-email").innerText()).toBe(EMAIL);
      // This server has its own database: an empty list, loaded with the emulator's token.
      await page.getByText("No saved snippets yet").waitFor({ timeout: 15_000 });
      // Signing out also ends the hosted UI's session, which sends the browser back here.
      let logoutUrl = "";
      await page.route(`${url.origin}/**`, async (route) => {
        logoutUrl = route.request().url();
        const back = new URL(logoutUrl).searchParams.get("logout_uri") ?? "/";
        await route.fulfill({ status: 302, headers: { location: back } });
      });
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("link", { name: "Sign in with Cognito" }).waitFor({ timeout: 15_000 });
      expect(new URL(logoutUrl).pathname).toBe("/logout");
      expect(new URL(logoutUrl).searchParams.get("client_id")).toBe(cognito.clientId);
      expect(await page.evaluate(() => localStorage.getItem("code-remote.session"))).toBeNull();
      await ctx.close();
    } finally {
      await hosted.stop();
    }
  }, 90_000);
});
