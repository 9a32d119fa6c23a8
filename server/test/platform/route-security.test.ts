// Every operation of /openapi.json, checked the same way (issue 11): an operation that
// declares security answers 401 with the error envelope to no token, a malformed token, a
// token of another scheme and a token whose signature was tampered with; one with a path
// parameter naming a user's resource answers another user 404 (and its owner not 404, so
// the 404 is about ownership); an operation without security must be listed as public.
// The operations come from the document, so a new route is covered without being listed
// here; a new kind of resource fails until it gets a factory below.
import { afterAll, describe, expect, it } from "vitest";
import { NoSandbox } from "../../src/execution/sandbox/no-sandbox.js";
import { errorSchema } from "../../src/platform/http/common-schemas.js";
import {
  type Operation,
  operationsOf,
  requestFor,
  resourceKey,
  withBadSignature,
} from "../helpers/route-security.js";
import { createTestApp } from "../helpers/test-app.js";

/** Operations anyone may call. Adding one here is a decision, reviewed like code. */
const PUBLIC = new Set([
  "GET /health",
  "GET /health/ready",
  "GET /auth/config",
  "POST /auth/register",
  "POST /auth/login",
  "GET /analyze/status",
]);

/** Bodies the schema alone cannot describe (a refinement such as "at least one field"). */
const BODIES: Record<string, unknown> = {
  "PUT /snippets/{id}": { title: "renamed" },
};

// No code runs in this file: the app gets the sandbox of a process that runs none, and
// jobs stay queued (no processor), so a job is a resource like a snippet.
const t = await createTestApp(
  "pglite",
  { RUN_JOBS_IN_PROCESS: "false", RUN_SYNC_IN_PROCESS: "false" },
  { sandbox: new NoSandbox() },
);
afterAll(async () => {
  await t?.close();
});

const owner = await t.signUp("owner");
const stranger = await t.signUp("stranger");
const ownerToken = owner.headers.authorization.slice("Bearer ".length);

type Headers = { authorization: string };
/** Creates a resource of the kind `resourceKey` names, owned by `headers`' user; its id. */
const FACTORIES: Record<string, (headers: Headers) => Promise<string>> = {
  "/snippets/{id}": (headers) => snippetOf(headers),
  "/search/similar/{snippet_id}": (headers) => snippetOf(headers),
  "/executions/{job_id}": async (headers) => {
    const res = await t.app.inject({
      method: "POST",
      url: "/execute/async",
      headers,
      payload: { code: "print(1)" },
    });
    expect(res.statusCode).toBe(202);
    return (res.json() as { job_id: string }).job_id;
  },
};

async function snippetOf(headers: Headers): Promise<string> {
  const res = await t.app.inject({
    method: "POST",
    url: "/snippets",
    headers,
    payload: { code: "print('mine')", title: "mine" },
  });
  expect(res.statusCode).toBe(201);
  return (res.json() as { id: string }).id;
}

const operations = (await operationsOf(t.app)).map((op) => {
  const name = `${op.method} ${op.path}`;
  return { ...op, name, body: name in BODIES ? BODIES[name] : op.body };
});
const secured = operations.filter((op) => op.secured);

/** Fills every path parameter with a fresh id: the route exists, the resource does not. */
const anyIds = (op: Operation) =>
  Object.fromEntries(op.pathParams.map((p) => [p, "00000000-0000-4000-8000-000000000000"]));

function expectEnvelope(res: { statusCode: number; body: string }, status: number, name: string) {
  expect(res.statusCode, `${name}: ${res.body}`).toBe(status);
  const parsed = errorSchema.safeParse(JSON.parse(res.body));
  expect(parsed.success, `${name}: not the error envelope: ${res.body}`).toBe(true);
  return parsed.data;
}

describe("the OpenAPI document", () => {
  it("lists the operations this file checks, and every unsecured one is declared public", () => {
    // Guards against an empty or unread document, which would make every check below vacuous.
    expect(secured.length).toBeGreaterThanOrEqual(15);
    expect(secured.map((op) => op.name)).toContain("GET /snippets/{id}");
    const open = operations.filter((op) => !op.secured).map((op) => op.name);
    expect(open.filter((name) => !PUBLIC.has(name))).toEqual([]);
  });
});

describe.each(secured.map((op) => [op.name, op] as const))("%s", (name, op) => {
  const bad: [string, Record<string, string>][] = [
    ["no token", {}],
    ["a malformed token", { authorization: "Bearer not-a-jwt" }],
    ["another scheme", { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` }],
    ["a token with a bad signature", { authorization: `Bearer ${withBadSignature(ownerToken)}` }],
  ];
  it.each(bad)("answers 401 with the error envelope to %s", async (_what, headers) => {
    const res = await t.app.inject(requestFor(op, anyIds(op), headers));
    const body = expectEnvelope(res, 401, name);
    expect(body?.error).toBe("unauthorized");
    expect(body?.request_id ?? res.headers["x-request-id"]).toBeTruthy();
  });

  const key = resourceKey(op);
  if (key === undefined) return;
  it("answers another user 404 for the owner's resource, and the owner not 404", async () => {
    const factory = FACTORIES[key];
    expect(factory, `${name}: no resource factory for ${key}; add one to FACTORIES`).toBeDefined();
    if (!factory) return;
    const id = await factory(owner.headers);
    const params = Object.fromEntries(op.pathParams.map((p) => [p, id]));
    const foreign = await t.app.inject(requestFor(op, params, stranger.headers));
    const body = expectEnvelope(foreign, 404, name);
    expect(body?.error).toBe("not_found");
    // The owner reaches the same resource: the stranger's 404 is about whose it is.
    const own = await t.app.inject(requestFor(op, params, owner.headers));
    expect(own.statusCode, `${name} as its owner: ${own.body}`).toBeGreaterThanOrEqual(200);
    expect(own.statusCode, `${name} as its owner: ${own.body}`).toBeLessThan(300);
  });
});
