// The worker's way to WebSocket clients in AWS: its notifier invokes the relay function
// (real @aws-sdk/client-lambda against a local Invoke endpoint running the real relay
// handler), which posts through the Management API (a local stand-in for API Gateway).
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createUserService } from "../../src/auth/user-service.js";
import { ApiGatewayNotifier } from "../../src/jobs/realtime/apigateway-notifier.js";
import { RelayPoster } from "../../src/jobs/realtime/connection-poster.js";
import { createRealtime } from "../../src/jobs/realtime/create-notifier.js";
import { DbConnectionRegistry } from "../../src/jobs/realtime/db-connection-registry.js";
import { createRelayHandler, type RelayHandler } from "../../src/lambda/relay-handler.js";
import { loadSettings } from "../../src/platform/config.js";
import { type FakeApiGateway, startFakeApiGateway } from "../helpers/apigateway-server.js";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.js";
import { type FakeLambda, startFakeLambda } from "../helpers/lambda-invoke-server.js";
import { MemoryConnectionRegistry } from "../helpers/memory-connection-registry.js";

const RELAY = "code-remote-prod-Relay";
const logger = pino({ level: "silent" });
const creds = { accessKeyId: "AKIDWORKER", secretAccessKey: "worker-secret" };

let gateway: FakeApiGateway;
let lambda: FakeLambda;
let relay: RelayHandler;

beforeAll(async () => {
  // What Lambda gives each function: its role's credentials in the environment.
  vi.stubEnv("AWS_ACCESS_KEY_ID", creds.accessKeyId);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", creds.secretAccessKey);
  gateway = await startFakeApiGateway(["gone-conn"]);
  relay = createRelayHandler(
    loadSettings({
      LOG_LEVEL: "silent",
      NOTIFIER: "apigateway",
      APIGATEWAY_ENDPOINT: gateway.endpoint,
      AWS_REGION: "eu-west-1",
    }),
  );
  lambda = await startFakeLambda({ [RELAY]: (event) => relay.handler(event) });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await relay?.close();
  await lambda?.close();
  await gateway?.close();
});

async function relayPoster(): Promise<RelayPoster> {
  const { LambdaClient } = await import("@aws-sdk/client-lambda");
  return new RelayPoster(
    new LambdaClient({ region: "eu-west-1", endpoint: lambda.endpoint, credentials: creds }),
    RELAY,
    logger,
  );
}

describe("the WebSocket relay", () => {
  it("posts each message to its connection and names the connections API Gateway reports gone", async () => {
    const before = gateway.posts.length;
    const out = await relay.handler({
      posts: [
        { connection_id: "conn-a", data: '{"type":"pong"}' },
        { connection_id: "gone-conn", data: '{"type":"pong"}' },
      ],
    });
    expect(out).toEqual({ gone: ["gone-conn"] });
    expect(gateway.posts.slice(before)).toEqual([{ id: "conn-a", body: '{"type":"pong"}' }]);
  });

  it("refuses a malformed request outright (only the worker calls it)", async () => {
    await expect(relay.handler({ posts: [{ connection_id: "", data: "x" }] })).rejects.toThrow(
      /invalid relay request/,
    );
    await expect(relay.handler({ posts: "everything" })).rejects.toThrow(/invalid relay request/);
  });

  it("carries a notifier's messages in order through a signed Lambda invoke, and forgets gone connections", async () => {
    const registry = new MemoryConnectionRegistry();
    await registry.add("alice-1", "alice");
    await registry.add("gone-conn", "alice");
    await registry.add("bob-1", "bob");
    const notifier = new ApiGatewayNotifier({ poster: await relayPoster(), registry });
    const before = gateway.posts.length;
    for (let i = 0; i < 5; i++) {
      await notifier.publish("alice", {
        type: "execution_output",
        job_id: "j",
        data: `line ${i}\n`,
      });
    }
    const toAlice = gateway.posts.slice(before).filter((p) => p.id === "alice-1");
    expect(toAlice.map((p) => JSON.parse(p.body).data)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `line ${i}\n`),
    );
    expect(gateway.posts.slice(before).some((p) => p.id === "bob-1")).toBe(false);
    expect(await registry.targets("alice", {})).toEqual(["alice-1"]);
    const call = lambda.calls.at(-1);
    expect(call?.functionName).toBe(RELAY);
    expect(call?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDWORKER\/\d{8}\/eu-west-1\/lambda\//,
    );
    await notifier.close();
  });

  it("drops a message the relay failed on, as every notifier does, instead of failing the job", async () => {
    const poster = await relayPoster();
    const huge = "x".repeat(129 * 1024); // over API Gateway's frame limit: the relay refuses
    await expect(poster.post([{ connectionId: "alice-1", data: huge }])).resolves.toEqual({
      gone: [],
    });
    expect(lambda.calls.at(-1)?.functionName).toBe(RELAY);
    await poster.close();
  });
});

describe("a worker's realtime from its settings", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("pglite");
  });
  afterAll(async () => db?.drop());

  /** A worker's realtime from its settings: posts go through the relay function. */
  const workerRealtime = () =>
    createRealtime(
      loadSettings({
        NOTIFIER: "apigateway",
        // Never reached: the worker has no route to it, which is the point of the relay.
        APIGATEWAY_ENDPOINT: "https://unreachable.invalid/prod",
        APIGATEWAY_RELAY_FUNCTION: RELAY,
        LAMBDA_ENDPOINT: lambda.endpoint,
        AWS_REGION: "eu-west-1",
      }),
      { database: db.database, logger },
    );

  it("posts through the relay function when APIGATEWAY_RELAY_FUNCTION is set", async () => {
    const realtime = await workerRealtime();
    const user = await createUserService({ db: db.database.db }).register({
      email: "relay@example.com",
      password: "relay-password-1",
    });
    await new DbConnectionRegistry(db.database.db).add("carol-1", user.id);
    const calls = lambda.calls.length;
    await realtime.notifier.publish(user.id, { type: "execution_result", job_id: "j1" });
    expect(lambda.calls.length).toBe(calls + 1);
    expect(gateway.messagesTo("carol-1")).toEqual([{ type: "execution_result", job_id: "j1" }]);
    await realtime.close();
  });

  it("closes a deleted account's API Gateway connections through the relay, and no one else's", async () => {
    const realtime = await workerRealtime();
    const users = createUserService({ db: db.database.db });
    const gone = await users.register({ email: "gone@example.com", password: "gone-password-1" });
    const kept = await users.register({ email: "kept@example.com", password: "kept-password-1" });
    const registry = new DbConnectionRegistry(db.database.db);
    await registry.add("gone-1", gone.id);
    await registry.add("gone-2", gone.id);
    await registry.add("kept-1", kept.id);
    // The rows go with the account (cascade): the deletion answers which there were.
    const { connections } = await users.remove(gone);
    expect(connections.sort()).toEqual(["gone-1", "gone-2"]);
    expect(await registry.targets(gone.id, {})).toEqual([]);
    await realtime.notifier.disconnect(gone.id, "Account deleted", connections);
    for (const id of ["gone-1", "gone-2"]) {
      expect(gateway.messagesTo(id)).toEqual([{ type: "error", message: "Account deleted" }]);
    }
    expect([...gateway.deleted].sort()).toEqual(["gone-1", "gone-2"]);
    expect(await registry.targets(kept.id, {})).toEqual(["kept-1"]);
    await realtime.close();
  });
});
