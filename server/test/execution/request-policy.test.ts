// The one request policy of POST /execute and POST /execute/async (request-policy.ts): its
// rules in their order, each refusal before anything later happens. The budget is the real
// database one (PGlite), with the clock injected.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRequestPolicy, type RequestPolicyDeps } from "../../src/execution/request-policy.js";
import {
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  ValidationError,
} from "../../src/platform/errors.js";
import { createDbRateBudget, type RateBudget } from "../../src/platform/rate-budget.js";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.js";

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase("pglite");
});
afterAll(async () => {
  await testDb?.drop();
});

/** A policy whose collaborators record their calls; the budget admits everything. */
function setup(over: Partial<RequestPolicyDeps> = {}) {
  const assertOwned = vi.fn(async (_u: string, _s: string) => {});
  const take = vi.fn(async (_key: string) => 0);
  const budget: RateBudget = { take };
  const policy = createRequestPolicy({
    snippets: { assertOwned },
    maxCodeBytes: 10,
    maxTimeoutSeconds: 8,
    maxStdinChars: 5,
    budget,
    ...over,
  });
  return { policy, assertOwned, take };
}

const user = "user-1";

describe("request policy: sizes and timeout", () => {
  it("counts code in UTF-8 bytes: 10 bytes pass, 11 answer 413 with both numbers", async () => {
    const { policy, assertOwned, take } = setup();
    expect(policy.check({ code: "é".repeat(5) }).code).toBe("é".repeat(5));
    const err = await policy.admit(user, { code: `${"é".repeat(5)}x` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PayloadTooLargeError);
    expect((err as Error).message).toBe("Code is 11 bytes; the limit is 10 bytes");
    // Refused before the snippet is looked up or the budget is touched.
    expect(assertOwned).not.toHaveBeenCalled();
    expect(take).not.toHaveBeenCalled();
  });

  it("refuses stdin over its limit with 422 on body.stdin, and reads no stdin as empty", () => {
    const { policy } = setup();
    expect(policy.check({ code: "x" }).stdin).toBe("");
    expect(policy.check({ code: "x", stdin: "12345" }).stdin).toBe("12345");
    const err = (() => {
      try {
        policy.check({ code: "x", stdin: "123456" });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).extra.detail).toEqual([
      { loc: ["body", "stdin"], msg: "at most 5 characters" },
    ]);
  });

  it("clamps the timeout to the configured limit, which is also the default", () => {
    const { policy } = setup();
    expect(policy.check({ code: "x" }).timeoutSeconds).toBe(8);
    expect(policy.check({ code: "x", timeoutSeconds: 30 }).timeoutSeconds).toBe(8);
    expect(policy.check({ code: "x", timeoutSeconds: 2.5 }).timeoutSeconds).toBe(2.5);
    for (const bad of [0, -1, Number.NaN]) {
      expect(() => policy.check({ code: "x", timeoutSeconds: bad })).toThrow(ValidationError);
    }
  });

  it("check takes no budget and looks up no snippet", () => {
    const { policy, assertOwned, take } = setup();
    expect(policy.check({ code: "x", snippetId: "s-1" })).toEqual({
      code: "x",
      stdin: "",
      timeoutSeconds: 8,
      snippetId: "s-1",
    });
    expect(assertOwned).not.toHaveBeenCalled();
    expect(take).not.toHaveBeenCalled();
  });
});

describe("request policy: ownership, then the budget", () => {
  it("checks the snippet is the caller's before taking budget; a foreign one costs nothing", async () => {
    const { policy, assertOwned, take } = setup();
    assertOwned.mockRejectedValueOnce(new NotFoundError("Snippet not found"));
    await expect(policy.admit(user, { code: "x", snippetId: "s-2" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(assertOwned).toHaveBeenCalledWith(user, "s-2");
    expect(take).not.toHaveBeenCalled();

    const run = await policy.admit(user, { code: "x", snippetId: "s-3", timeoutSeconds: 1 });
    expect(run).toEqual({ code: "x", stdin: "", timeoutSeconds: 1, snippetId: "s-3" });
    expect(take).toHaveBeenCalledWith(user);
  });

  it("takes one unit of the shared per-user budget per admitted run; past it 429 with the wait", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const bucket = `policy-${randomUUID().slice(0, 8)}`;
    const { policy } = setup({
      budget: createDbRateBudget({
        db: testDb.database.db,
        bucket,
        limit: 2,
        windowMs: 60_000,
        now: () => now,
      }),
    });
    await policy.admit("a", { code: "x" });
    await policy.admit("a", { code: "x" });
    now += 30_000;
    const err = await policy.admit("a", { code: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterSeconds).toBe(30);
    // Another user has a budget of their own; a refused size takes nothing from it.
    await expect(policy.admit("b", { code: "x".repeat(11) })).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    await policy.admit("b", { code: "x" });
    await policy.admit("b", { code: "x" });
    await expect(policy.admit("b", { code: "x" })).rejects.toBeInstanceOf(RateLimitedError);
  });

  it("without a budget, admits 100 runs in a row from one user", async () => {
    const { policy } = setup({ budget: undefined });
    const admitted: string[] = [];
    for (let i = 0; i < 100; i++) admitted.push((await policy.admit(user, { code: `x${i}` })).code);
    expect(admitted).toEqual(Array.from({ length: 100 }, (_, i) => `x${i}`));
  });
});
