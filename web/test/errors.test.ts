import { describe, expect, it } from "vitest";
import { ApiError, describeError, messageOf } from "../src/api/errors";

describe("error message mapping", () => {
  it("turns a security violation envelope into a sentence naming the first line", () => {
    const d = describeError(400, {
      error: "security_violation",
      message: "Code violates security policy",
      security_violations: [
        { type: "blocked_import", line: 3, column: 0, message: "Import of 'os' is not allowed" },
      ],
    });
    expect(d.code).toBe("security_violation");
    expect(d.violations).toHaveLength(1);
    expect(d.message).toBe(
      "The code was refused by the security policy (1 problem). Line 3: Import of 'os' is not allowed.",
    );
  });

  it("explains validation errors by field", () => {
    const d = describeError(422, {
      error: "validation_error",
      message: "Request validation failed",
      detail: [{ loc: ["body", "email"], msg: "Invalid email address" }],
    });
    expect(d.message).toBe("Please check the email field: Invalid email address.");
  });

  it("reports rate limits with the Retry-After wait", () => {
    expect(describeError(429, { error: "rate_limited", message: "x" }, 5).message).toBe(
      "Too many requests. Try again in 5 seconds.",
    );
  });

  it("never shows 5xx details, JSON or stack traces", () => {
    const m = describeError(500, {
      error: "internal_error",
      message: "TypeError: x is undefined\n    at foo (a.js:1)",
    }).message;
    expect(m).toBe("Something went wrong on the server. Please try again.");
    expect(describeError(503, { error: "service_unavailable" }).message).toMatch(/unavailable/);
    const raw = describeError(400, { error: "weird", message: '{"nested":"json"}' }).message;
    expect(raw).not.toContain("{");
    expect(describeError(418, "not json").message).toBe(
      "The server refused the request (status 418).",
    );
  });

  it("uses the server's prose when it is a sentence", () => {
    expect(
      describeError(409, { error: "conflict", message: "email already registered" }).message,
    ).toBe("Email already registered.");
    expect(
      describeError(401, { error: "unauthorized", message: "Invalid email or password" }).message,
    ).toBe("Invalid email or password.");
    expect(describeError(401, { error: "unauthorized" }).message).toBe(
      "Your session has ended. Please sign in again.",
    );
  });

  it("describes a network failure", () => {
    expect(describeError(0, null).message).toMatch(/Can't reach the server/);
  });

  it("messageOf hides unknown exceptions", () => {
    expect(messageOf(new ApiError(404, "not_found", "Gone."))).toBe("Gone.");
    expect(messageOf(new Error("ECONNRESET internal"))).toBe(
      "Something went wrong. Please try again.",
    );
  });
});
