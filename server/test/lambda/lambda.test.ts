// The Lambda entry points, invoked in-process with real-shaped API Gateway HTTP API (v2) events.
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiHandler } from "../../src/lambda/api-handler.js";
import { runMigrations } from "../../src/lambda/migrate-handler.js";
import { loadSettings } from "../../src/platform/config.js";
import { createPostgresDatabase } from "../helpers/databases.js";
import { lambdaContext as context, httpEvent as event } from "../helpers/lambda-events.js";

describe("Lambda handlers", () => {
  let db: { url: string; drop(): Promise<void> };
  let api: Awaited<ReturnType<typeof createApiHandler>>;
  const handler = (e: APIGatewayProxyEventV2, c: Context) => api.handler(e, c);
  beforeAll(async () => {
    db = await createPostgresDatabase();
    const settings = loadSettings({
      ENVIRONMENT: "test",
      DATABASE_URL: db.url,
      JWT_SECRET: "lambda-test-secret-lambda-test-secret",
      SERVE_WEB: "false",
    });
    expect(await runMigrations(settings)).toEqual({ status: "ok", driver: "postgres" });
    api = await createApiHandler(settings, { logger: pino({ level: "silent" }) });
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it("the migrate handler created the schema", async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query(
      "select table_name from information_schema.tables where table_schema = 'public' order by 1",
    );
    await c.end();
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(["executions", "snippets", "sync_events", "users"]),
    );
  });

  it("answers health", async () => {
    const res = await handler(event("GET", "/health"), context);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/application\/json/);
    expect(res.headers["x-request-id"]).toBeTruthy();
    expect(JSON.parse(res.body)).toMatchObject({ status: "healthy" });
  });

  it("creates and lists snippets for an authenticated user", async () => {
    const creds = { email: "lambda@example.com", password: "lambda-password" };
    expect(
      (await handler(event("POST", "/auth/register", { body: creds }), context)).statusCode,
    ).toBe(201);
    const login = await handler(event("POST", "/auth/login", { body: creds }), context);
    const token = JSON.parse(login.body).access_token as string;
    const headers = { authorization: `Bearer ${token}` };
    const created = await handler(
      event("POST", "/snippets", { body: { code: "print(42)", title: "answer" }, headers }),
      context,
    );
    expect(created.statusCode).toBe(201);
    const list = await handler(event("GET", "/snippets", { headers, query: "limit=10" }), context);
    expect(list.statusCode).toBe(200);
    const body = JSON.parse(list.body);
    expect(body.total).toBe(1);
    expect(body.limit).toBe(10);
    expect(body.items[0]).toMatchObject({ title: "answer", language: "python" });
  });

  it("answers 401 without a token and 422 for a bad body", async () => {
    const anon = await handler(event("GET", "/snippets"), context);
    expect(anon.statusCode).toBe(401);
    expect(JSON.parse(anon.body).error).toBe("unauthorized");
    const creds = { email: "lambda2@example.com", password: "lambda-password" };
    await handler(event("POST", "/auth/register", { body: creds }), context);
    const token = JSON.parse(
      (await handler(event("POST", "/auth/login", { body: creds }), context)).body,
    ).access_token;
    const bad = await handler(
      event("POST", "/snippets", {
        body: { code: 7 },
        headers: { authorization: `Bearer ${token}` },
      }),
      context,
    );
    expect(bad.statusCode).toBe(422);
    expect(JSON.parse(bad.body).detail[0].loc).toEqual(["body", "code"]);
  });
});
