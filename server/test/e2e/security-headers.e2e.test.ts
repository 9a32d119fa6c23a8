// Issue 10 item 9: the UI and /docs send a strict Content-Security-Policy, frame-ancestors /
// X-Frame-Options and Referrer-Policy — and both still work under them in Chromium, with no
// CSP violation reported by the browser (the UI signs up and runs code, Swagger UI renders
// the API and expands an operation).
import type { Browser, ConsoleMessage, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, setCode } from "./support/browser.js";
import { type RunningServer, startServer } from "./support/server.js";
import { buildWeb } from "./support/web-build.js";

let server: RunningServer;
let browser: Browser;
const violations: string[] = [];

function watch(page: Page): Page {
  page.on("console", (m: ConsoleMessage) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text()))
      violations.push(m.text());
  });
  page.on("pageerror", (err) => violations.push(`page error: ${err.message}`));
  return page;
}

beforeAll(async () => {
  await buildWeb();
  server = await startServer("security-headers-e2e");
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("security headers", () => {
  it("every kind of response carries CSP, no framing and no referrer", async () => {
    for (const path of ["/", "/docs", "/docs/static/index.html", "/health", "/snippets", "/nope"]) {
      const res = await fetch(`${server.origin}${path}`, { headers: { accept: "text/html" } });
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("object-src 'none'");
      expect(csp.match(/script-src [^;]*/)?.[0], path).toBe("script-src 'self'");
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
      expect(res.headers.get("referrer-policy"), path).toBe("no-referrer");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
  });

  it("the UI works under the policy: sign up, run code, no violation", async () => {
    const page = watch(await browser.newPage());
    await page.goto(`${server.origin}/`);
    await page.getByRole("button", { name: "Create account" }).first().click();
    await page.getByLabel("Email").fill(`csp-${Date.now()}@example.com`);
    await page.getByLabel("Password").fill("correct-horse-battery-9");
    await page.locator("form").getByRole("button", { name: "Create account" }).click();
    await page.locator(".cm-content").waitFor({ timeout: 20_000 });
    // The editor's styles are applied (CodeMirror injects them at run time).
    const editorStyled = await page.evaluate(
      () => getComputedStyle(document.querySelector(".cm-editor") as Element).display !== "inline",
    );
    expect(editorStyled).toBe(true);
    await setCode(page, "print('csp-' + 'ok')");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await expect
      .poll(() => page.getByTestId("output").innerText(), { timeout: 30_000 })
      .toContain("csp-ok");
    expect(violations).toEqual([]);
    await page.close();
  }, 90_000);

  it("Swagger UI works under the policy: renders the API and expands an operation", async () => {
    const page = watch(await browser.newPage());
    await page.goto(`${server.origin}/docs`);
    await page.locator(".swagger-ui .info .title").waitFor({ timeout: 20_000 });
    expect(await page.locator(".swagger-ui .info .title").innerText()).toContain("Code Remote API");
    const op = page.locator(".opblock-summary").first();
    await op.click();
    await page.locator(".opblock-body").first().waitFor();
    expect(violations).toEqual([]);
    await page.close();
  }, 60_000);

  it("a page of another origin cannot frame the UI", async () => {
    const page = watch(await browser.newPage());
    violations.length = 0;
    await page.setContent(`<iframe id="f" src="${server.origin}/"></iframe>`);
    await page.waitForTimeout(1500);
    const framed = page.frames().find((f) => f.url().startsWith(server.origin));
    const rendered = framed
      ? await framed
          .evaluate(() => document.querySelector("#root")?.childElementCount ?? 0)
          .catch(() => 0)
      : 0;
    expect(rendered).toBe(0);
    await page.close();
  }, 30_000);
});
