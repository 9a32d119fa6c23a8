// The API Gateway WebSocket Lambda (lambda/ws-handler.ts) invoked in-process with real-shaped
// $connect / $default / $disconnect events, its replies and the app's publications posted to
// a local Management API (helpers/apigateway-server.ts), its connections in `ws_connections`.
import { randomBytes } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertJob } from "../../src/jobs/execution-job-repo.js";
import { DbConnectionRegistry } from "../../src/jobs/realtime/db-connection-registry.js";
import { MAX_CONNECTIONS_PER_USER } from "../../src/jobs/ws-messages.js";
import { createWsHandler, type WsEvent, type WsHandler } from "../../src/lambda/ws-handler.js";
import { executions, users, wsConnections } from "../../src/platform/db/schema/index.js";
import { type FakeApiGateway, startFakeApiGateway } from "../helpers/apigateway-server.js";
import { DRIVERS } from "../helpers/databases.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { sleep } from "./ws-client.js";

const API_ID = "a1b2c3d4e5";
const DOMAIN = `${API_ID}.execute-api.us-east-1.amazonaws.com`;

/** API Gateway connection ids look like "L0SM9cOFvHcCIhw=". */
const newConnectionId = () => `${randomBytes(10).toString("base64").slice(0, 13)}=`;

function wsEvent(
  routeKey: "$connect" | "$disconnect" | "$default",
  connectionId: string,
  opts: { token?: string; body?: string; base64?: boolean } = {},
): WsEvent {
  const eventType =
    routeKey === "$connect" ? "CONNECT" : routeKey === "$disconnect" ? "DISCONNECT" : "MESSAGE";
  const now = Date.now();
  const event = {
    requestContext: {
      routeKey,
      eventType,
      messageId: eventType === "MESSAGE" ? randomBytes(8).toString("base64") : undefined,
      extendedRequestId: randomBytes(8).toString("base64"),
      requestTime: new Date(now).toUTCString(),
      messageDirection: "IN",
      stage: "prod",
      connectedAt: now - 1000,
      requestTimeEpoch: now,
      requestId: randomBytes(8).toString("base64"),
      domainName: DOMAIN,
      connectionId,
      apiId: API_ID,
    },
    isBase64Encoded: opts.base64 ?? false,
    ...(routeKey === "$connect"
      ? {
          headers: { Host: DOMAIN, "Sec-WebSocket-Version": "13" },
          ...(opts.token !== undefined
            ? {
                queryStringParameters: { token: opts.token },
                multiValueQueryStringParameters: { token: [opts.token] },
              }
            : {}),
        }
      : {}),
    ...(opts.body !== undefined ? { body: opts.body } : {}),
  };
  return event as WsEvent;
}

describe.each(DRIVERS)("API Gateway WebSocket Lambda (%s)", (driver) => {
  let gateway: FakeApiGateway;
  let t: TestApp;
  let ws: WsHandler;
  let registry: DbConnectionRegistry;
  const savedEnv = { ...process.env };
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };

  const signUp = async (prefix: string) => {
    const u = await t.signUp(prefix);
    return { id: u.id, token: u.headers.authorization.slice("Bearer ".length) };
  };
  const connect = async (token: string | undefined, id = newConnectionId()) => {
    const res = await ws.handler(wsEvent("$connect", id, token === undefined ? {} : { token }));
    return { id, res };
  };
  const sendMessage = (id: string, body: unknown) =>
    ws.handler(
      wsEvent("$default", id, { body: typeof body === "string" ? body : JSON.stringify(body) }),
    );
  const newJob = async (userId: string) =>
    insertJob(t.areas.platform.database.db, {
      userId,
      snippetId: null,
      codeSha256: "0".repeat(64),
      request: { code: "print(1)", stdin: "", timeout_seconds: 5 },
      connectionId: null,
    });

  beforeAll(async () => {
    // The Management API client signs its requests: any credentials do for the fake.
    process.env.AWS_ACCESS_KEY_ID = "test";
    process.env.AWS_SECRET_ACCESS_KEY = "test";
    gateway = await startFakeApiGateway();
    t = await createTestApp(driver, {
      NOTIFIER: "apigateway",
      APIGATEWAY_ENDPOINT: gateway.endpoint,
      // Token-less connections have their own tests (ws-anonymous.test.ts).
      WS_ALLOW_ANONYMOUS: "false",
      AWS_REGION: "us-east-1",
      EXECUTION_RATE_LIMIT_PER_MINUTE: "1000",
    });
    // The Lambda builds its own app (as in AWS) on the same database and settings.
    ws = await createWsHandler(t.settings, {
      database: t.testDb.database,
      logger: pino({ level: "silent" }),
    });
    registry = new DbConnectionRegistry(t.areas.platform.database.db);
    alice = await signUp("alice");
    bob = await signUp("bob");
  });
  afterAll(async () => {
    await ws?.close();
    await t?.close();
    await gateway?.close();
    process.env = savedEnv;
  });

  it("$connect accepts a good token and stores the connection; a bad or missing one gets 401", async () => {
    const good = await connect(alice.token);
    expect(good.res.statusCode).toBe(200);
    expect(await registry.ownerOf(good.id)).toBe(alice.id);

    const bad = await connect("not-a-jwt");
    expect(bad.res.statusCode).toBe(401);
    expect(await registry.ownerOf(bad.id)).toBeUndefined();

    const forged = await connect(`${alice.token.slice(0, -4)}AAAA`);
    expect(forged.res.statusCode).toBe(401);

    const none = await connect(undefined);
    expect(none.res.statusCode).toBe(401);
    expect(await registry.ownerOf(none.id)).toBeUndefined();
    // Nothing is ever posted to a refused connection.
    expect(gateway.posts.filter((p) => [bad.id, forged.id, none.id].includes(p.id))).toEqual([]);
  });

  it("answers ping with pong and the connection id, posted to that connection", async () => {
    const { id } = await connect(alice.token);
    const other = await connect(alice.token);
    expect((await sendMessage(id, { action: "ping" })).statusCode).toBe(200);
    expect(gateway.messagesTo(id)).toEqual([{ type: "pong", connection_id: id }]);
    expect(gateway.messagesTo(other.id)).toEqual([]);
  });

  it("answers bad messages with an error message, as the local /ws does", async () => {
    const { id } = await connect(alice.token);
    await sendMessage(id, "this is not json");
    await sendMessage(id, { action: "dance" });
    await sendMessage(id, { action: "subscribe", job_id: "nope" });
    await sendMessage(id, "x".repeat(5000));
    await ws.handler(
      wsEvent("$default", id, { body: Buffer.from([1, 2, 3]).toString("base64"), base64: true }),
    );
    await sendMessage(id, { action: "ping" });
    const got = gateway.messagesTo(id);
    expect(got.map((m) => m.type)).toEqual(["error", "error", "error", "error", "error", "pong"]);
    expect(got[0]?.message).toMatch(/not valid JSON/);
    expect(got[1]?.message).toMatch(/Unknown action: dance/);
    expect(got[2]?.message).toMatch(/Invalid subscribe message: job_id/);
    expect(got[3]?.message).toMatch(/too large/);
    expect(got[4]?.message).toMatch(/Binary/);
  });

  it("subscribes to the caller's own jobs only, and unsubscribes", async () => {
    const { id } = await connect(alice.token);
    const own = await newJob(alice.id);
    const foreign = await newJob(bob.id);

    await sendMessage(id, { action: "subscribe", job_id: own.jobId });
    await sendMessage(id, { action: "subscribe", job_id: foreign.jobId });
    expect(gateway.messagesTo(id)).toEqual([
      { type: "subscribed", job_id: own.jobId, status: "queued" },
      { type: "error", message: "Job not found" },
    ]);
    expect(await registry.targets(alice.id, { jobId: own.jobId })).toContain(id);
    // Bob's job: neither Alice's subscription nor Bob's publications reach her.
    expect(await registry.targets(alice.id, { jobId: foreign.jobId })).toEqual([]);
    await t.areas.asyncExecution.notifier.publish(
      bob.id,
      { type: "execution_output", job_id: foreign.jobId },
      { jobId: foreign.jobId },
    );
    await t.areas.asyncExecution.notifier.publish(
      alice.id,
      { type: "execution_output", job_id: own.jobId, data: "1\n" },
      { jobId: own.jobId },
    );
    expect(gateway.messagesTo(id).slice(2)).toEqual([
      { type: "execution_output", job_id: own.jobId, data: "1\n" },
    ]);

    await sendMessage(id, { action: "unsubscribe", job_id: own.jobId });
    expect(gateway.messagesTo(id).at(-1)).toEqual({ type: "unsubscribed", job_id: own.jobId });
    expect(await registry.targets(alice.id, { jobId: own.jobId })).toEqual([]);
    // Rows without a queue message: left `queued`, Bob's would be a user waiting for a turn
    // and Alice's later jobs would give way to it (fair turns, execution-job-repo.ts).
    await t.areas.platform.database.db
      .update(executions)
      .set({ status: "completed", finishedAt: new Date() })
      .where(inArray(executions.jobId, [own.jobId, foreign.jobId]));
  });

  it("hands over the result of a job that finished before the subscription", async () => {
    const { id } = await connect(alice.token);
    const job = await newJob(alice.id);
    const result = { success: true, stdout: "done\n", stderr: "", timed_out: false };
    await t.areas.platform.database.db
      .update(executions)
      .set({ status: "completed", result, finishedAt: new Date() })
      .where(eq(executions.jobId, job.jobId));
    await sendMessage(id, { action: "subscribe", job_id: job.jobId });
    expect(gateway.messagesTo(id)).toEqual([
      { type: "subscribed", job_id: job.jobId, status: "completed" },
      { type: "execution_result", job_id: job.jobId, ...result },
    ]);
  });

  it("delivers a publication to every connection of the user and to no one else's", async () => {
    const a1 = await connect(alice.token);
    const a2 = await connect(alice.token);
    const b1 = await connect(bob.token);
    await t.areas.asyncExecution.notifier.publish(alice.id, {
      type: "analysis_stream_start",
      job_id: "j1",
    });
    expect(gateway.messagesTo(a1.id)).toEqual([{ type: "analysis_stream_start", job_id: "j1" }]);
    expect(gateway.messagesTo(a2.id)).toEqual([{ type: "analysis_stream_start", job_id: "j1" }]);
    expect(gateway.messagesTo(b1.id)).toEqual([]);
    // Bob's connection named in a message for Alice matches nothing.
    await t.areas.asyncExecution.notifier.publish(alice.id, { type: "x" }, { connectionId: b1.id });
    expect(gateway.messagesTo(b1.id)).toEqual([]);
    // Naming one of Alice's connections reaches only that one.
    await t.areas.asyncExecution.notifier.publish(alice.id, { type: "y" }, { connectionId: a2.id });
    expect(gateway.messagesTo(a1.id).map((m) => m.type)).toEqual(["analysis_stream_start"]);
    expect(gateway.messagesTo(a2.id).map((m) => m.type)).toEqual(["analysis_stream_start", "y"]);
  });

  it("streams an async execution to the connection named in POST /execute/async", async () => {
    const { id } = await connect(alice.token);
    const res = await t.app.inject({
      method: "POST",
      url: "/execute/async",
      headers: { authorization: `Bearer ${alice.token}` },
      payload: { code: "print('hello from lambda')", connection_id: id },
    });
    expect(res.statusCode).toBe(202);
    const jobId = (res.json() as { job_id: string }).job_id;
    const end = Date.now() + 20_000;
    while (!gateway.messagesTo(id).some((m) => m.type === "execution_result")) {
      if (Date.now() > end) throw new Error("no execution_result posted");
      await sleep(50);
    }
    const result = gateway.messagesTo(id).find((m) => m.type === "execution_result");
    expect(result).toMatchObject({ job_id: jobId, success: true, stdout: "hello from lambda\n" });
  });

  it("$disconnect removes the connection", async () => {
    const { id } = await connect(alice.token);
    const res = await ws.handler(wsEvent("$disconnect", id));
    expect(res.statusCode).toBe(200);
    expect(await registry.ownerOf(id)).toBeUndefined();
    await t.areas.asyncExecution.notifier.publish(alice.id, { type: "after_disconnect" });
    expect(gateway.messagesTo(id)).toEqual([]);
    // A message from a connection the table does not know is answered, not crashed on.
    await sendMessage(id, { action: "ping" });
    expect(gateway.messagesTo(id)).toEqual([
      { type: "error", message: "Unknown connection: reconnect" },
    ]);
  });

  it("forgets a connection API Gateway answers 410 Gone for", async () => {
    const kept = await connect(alice.token);
    const lost = await connect(alice.token);
    gateway.gone.add(lost.id);
    await t.areas.asyncExecution.notifier.publish(alice.id, { type: "z" });
    expect(await registry.ownerOf(lost.id)).toBeUndefined();
    expect(await registry.ownerOf(kept.id)).toBe(alice.id);
    const rows = await t.areas.platform.database.db
      .select()
      .from(wsConnections)
      .where(eq(wsConnections.connectionId, lost.id));
    expect(rows).toEqual([]);
  });

  it("refuses a connection beyond the per-user limit (429)", async () => {
    const carol = await signUp("carol");
    for (let i = 0; i < MAX_CONNECTIONS_PER_USER; i++) {
      expect((await connect(carol.token)).res.statusCode).toBe(200);
    }
    const over = await connect(carol.token);
    expect(over.res.statusCode).toBe(429);
    expect(await registry.ownerOf(over.id)).toBeUndefined();
  });

  it("drops a user's rows older than API Gateway's two-hour connection lifetime", async () => {
    const erin = await signUp("erin");
    const stale = newConnectionId();
    await t.areas.platform.database.db.insert(wsConnections).values({
      connectionId: stale,
      userId: erin.id,
      createdAt: new Date(Date.now() - 3 * 60 * 60 * 1000),
    });
    // A missed $disconnect does not count against the limit…
    expect(await registry.countOf(erin.id)).toBe(0);
    // …and the user's next $connect clears it out.
    const { id } = await connect(erin.token);
    expect(await registry.ownerOf(stale)).toBeUndefined();
    expect(await registry.ownerOf(id)).toBe(erin.id);
    expect(await registry.countOf(erin.id)).toBe(1);
  });

  it("bounds a connection's subscriptions", async () => {
    const { id } = await connect(alice.token);
    for (let i = 0; i < 100; i++) {
      expect(
        await registry.trySubscribe(id, `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`),
      ).toBe(true);
    }
    // Re-subscribing to a followed job is fine; a new one is refused.
    expect(await registry.trySubscribe(id, "00000000-0000-4000-8000-000000000000")).toBe(true);
    const job = await newJob(alice.id);
    await sendMessage(id, { action: "subscribe", job_id: job.jobId });
    expect(gateway.messagesTo(id)).toEqual([{ type: "error", message: "Too many subscriptions" }]);
  });

  it("deleting the user deletes their connections", async () => {
    const dave = await signUp("dave");
    const { id } = await connect(dave.token);
    await t.areas.platform.database.db.delete(users).where(eq(users.id, dave.id));
    expect(await registry.ownerOf(id)).toBeUndefined();
  });

  describe("token-less connections (WS_ALLOW_ANONYMOUS, the original client's way)", () => {
    let anon: WsHandler;
    beforeAll(async () => {
      anon = await createWsHandler(
        { ...t.settings, wsAllowAnonymous: true },
        { database: t.testDb.database, logger: pino({ level: "silent" }) },
      );
    });
    afterAll(async () => anon?.close());
    const say = (id: string, body: unknown) =>
      anon.handler(wsEvent("$default", id, { body: JSON.stringify(body) }));
    const post = (token: string, url: string, payload: unknown) =>
      t.app.inject({
        method: "POST",
        url,
        headers: { authorization: `Bearer ${token}` },
        payload: payload as Record<string, unknown>,
      });

    it("connects without a token, answers only ping until a POST binds it, and keeps it from everyone else", async () => {
      const id = newConnectionId();
      expect((await anon.handler(wsEvent("$connect", id))).statusCode).toBe(200);
      expect(await registry.ownerOf(id)).toBeUndefined();
      // A token that is there must still be good.
      expect(
        (await anon.handler(wsEvent("$connect", newConnectionId(), { token: "x" }))).statusCode,
      ).toBe(401);
      const aliceJob = await newJob(alice.id);
      await say(id, { action: "subscribe", job_id: aliceJob.jobId });
      await say(id, "not json");
      await say(id, { action: "ping" });
      expect(gateway.messagesTo(id)).toEqual([{ type: "pong", connection_id: id }]);

      const bound = await post(alice.token, "/execute/async", {
        code: "print('bound to alice')",
        connection_id: id,
      });
      expect(bound.statusCode).toBe(202);
      expect(await registry.ownerOf(id)).toBe(alice.id);
      // Bound: the connection's messages are alice's now.
      await say(id, { action: "subscribe", job_id: aliceJob.jobId });
      expect(gateway.messagesTo(id)).toContainEqual(
        expect.objectContaining({ type: "subscribed", job_id: aliceJob.jobId }),
      );

      // Every way bob might use it: a run, an analysis, a subscription to his own job.
      const asBob = await post(bob.token, "/execute/async", {
        code: "print(1)",
        connection_id: id,
      });
      expect(asBob.statusCode).toBe(404);
      const analysis = await post(bob.token, "/analyze/async", {
        code: "x = 1",
        connection_id: id,
      });
      expect(analysis.statusCode).toBe(404);
      expect(await registry.ownerOf(id)).toBe(alice.id);
      const bobJob = await newJob(bob.id);
      const before = gateway.messagesTo(id).length;
      await say(id, { action: "subscribe", job_id: bobJob.jobId });
      // What the subscribe answered (alice's own runs may finish and arrive alongside it).
      const alicesJobs = [aliceJob.jobId, bound.json().job_id];
      const answers = gateway
        .messagesTo(id)
        .slice(before)
        .filter((m) => !alicesJobs.includes(m.job_id as string));
      expect(answers).toEqual([{ type: "error", message: "Job not found" }]);
      expect(gateway.messagesTo(id)).not.toContainEqual(
        expect.objectContaining({ type: "subscribed", job_id: bobJob.jobId }),
      );
      await t.areas.asyncExecution.notifier.publish(
        bob.id,
        { type: "for_bob" },
        { connectionId: id },
      );
      expect(gateway.messagesTo(id).some((m) => m.type === "for_bob")).toBe(false);
    });
  });
});
