// Turns whatever the server (or the network) answered into one sentence a person can read.
// Raw JSON is never shown: the envelope's `message` is used only when it reads like prose.

import type { SecurityViolation } from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly violations: SecurityViolation[] = [],
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const FIXED: Record<string, string> = {
  unauthorized: "Your session has ended. Please sign in again.",
  not_found: "That snippet no longer exists, or it isn't yours.",
  payload_too_large: "The code is too large to send (the limit is 10 KB).",
  service_unavailable: "A service the server depends on is unavailable. Please try again shortly.",
  internal_error: "Something went wrong on the server. Please try again.",
  bad_request: "The server could not understand the request.",
};

function looksLikeProse(s: unknown): s is string {
  return (
    typeof s === "string" &&
    s.trim().length > 0 &&
    s.length < 300 &&
    !/^[[{]/.test(s.trim()) &&
    !/\n\s+at /.test(s)
  );
}

function sentence(s: string): string {
  const t = s.trim();
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function pluralSeconds(n: number): string {
  return n === 1 ? "1 second" : `${n} seconds`;
}

/** Maps a status + parsed body (any shape) to a human sentence. */
export function describeError(
  status: number,
  body: unknown,
  retryAfter: number | null = null,
): { code: string; message: string; violations: SecurityViolation[] } {
  const env = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const code =
    typeof env.error === "string" ? env.error : status === 0 ? "network_error" : `http_${status}`;
  const violations = Array.isArray(env.security_violations)
    ? (env.security_violations as SecurityViolation[])
    : [];

  if (code === "security_violation" || violations.length > 0) {
    const n = violations.length;
    const first = violations[0];
    const detail = first ? ` Line ${first.line}: ${first.message}` : "";
    return {
      code: "security_violation",
      violations,
      message: sentence(
        `The code was refused by the security policy (${n} ${n === 1 ? "problem" : "problems"}).${detail}`,
      ),
    };
  }
  if (code === "validation_error") {
    const detail = Array.isArray(env.detail)
      ? (env.detail as { loc?: unknown[]; msg?: string }[])
      : [];
    const first = detail[0];
    if (first && typeof first.msg === "string") {
      const field = Array.isArray(first.loc) ? first.loc.filter((x) => x !== "body").join(".") : "";
      return {
        code,
        violations,
        message: sentence(
          `Please check ${field ? `the ${field} field` : "your input"}: ${first.msg}`,
        ),
      };
    }
    return { code, violations, message: "Please check your input and try again." };
  }
  if (code === "rate_limited" || status === 429) {
    const wait = retryAfter
      ? ` Try again in ${pluralSeconds(retryAfter)}.`
      : " Please wait a moment.";
    return { code: "rate_limited", violations, message: `Too many requests.${wait}` };
  }
  if (code === "network_error") {
    return {
      code,
      violations,
      message: "Can't reach the server. Check your connection and try again.",
    };
  }
  if (status === 401) {
    // Login failures are 401 too; the server's own wording is better there.
    const m = looksLikeProse(env.message) ? sentence(env.message) : FIXED.unauthorized;
    return { code: "unauthorized", violations, message: m ?? "" };
  }
  if (status >= 500) {
    return {
      code,
      violations,
      message: status === 503 ? (FIXED.service_unavailable ?? "") : (FIXED.internal_error ?? ""),
    };
  }
  if (looksLikeProse(env.message)) return { code, violations, message: sentence(env.message) };
  const fixed = FIXED[code];
  if (fixed) return { code, violations, message: fixed };
  if (status === 409) return { code, violations, message: "That already exists." };
  return { code, violations, message: `The server refused the request (status ${status}).` };
}

/** A human message for anything thrown. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.name === "AbortError") return "The request was cancelled.";
  return "Something went wrong. Please try again.";
}
