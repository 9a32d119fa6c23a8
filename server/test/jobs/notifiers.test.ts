// The cross-process notifiers against real servers: Postgres LISTEN/NOTIFY between
// "processes" (separate pools and hubs), and the API Gateway Management API against a
// local HTTP server implementing POST /@connections/{id} (helpers/apigateway-server.ts).
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiGatewayNotifier } from "../../src/jobs/realtime/apigateway-notifier.js";
import { ManagementApiPoster } from "../../src/jobs/realtime/connection-poster.js";
import { PostgresNotifier } from "../../src/jobs/realtime/postgres-notifier.js";
import { type HubSocket, WsHub } from "../../src/jobs/realtime/ws-hub.js";
import {
  type FakeApiGateway,
  type Post,
  startFakeApiGateway,
} from "../helpers/apigateway-server.js";
import { createPostgresDatabase } from "../helpers/databases.js";
import { MemoryConnectionRegistry } from "../helpers/memory-connection-registry.js";
import { sleep } from "./ws-client.js";

const logger = pino({ level: "silent" });

class Sink implements HubSocket {
  bufferedAmount = 0;
  readyState = 1;
  got: { type: string; [k: string]: unknown }[] = [];
  closed: { code?: number | undefined; reason?: string | undefined } | undefined;
  send(data: string) {
    this.got.push(JSON.parse(data));
  }
  ping() {}
  close(code?: number, reason?: string) {
    this.closed = { code, reason };
    this.readyState = 2;
  }
  terminate() {}
}

async function until(pred: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(20);
  }
}

describe("PostgresNotifier", () => {
  let db: { url: string; drop(): Promise<void> };
  const pools: pg.Pool[] = [];
  const notifiers: PostgresNotifier[] = [];
  const open = async (hub?: WsHub) => {
    const pool = new pg.Pool({ connectionString: db.url, max: 3 });
    pool.on("error", () => {});
    pools.push(pool);
    const n = new PostgresNotifier({ pool, logger, ...(hub ? { hub } : {}) });
    await n.start();
    notifiers.push(n);
    return n;
  };

  beforeAll(async () => {
    db = await createPostgresDatabase();
  });
  afterAll(async () => {
    for (const n of notifiers) await n.close();
    for (const p of pools) await p.end();
    await db?.drop();
  });

  it("fans out from a worker to the process holding the socket: in order, intact, owner only", async () => {
    const hubA = new WsHub();
    const hubB = new WsHub();
    await open(hubA);
    await open(hubB);
    const worker = await open(); // publish only, like `npm run worker`
    const alice = new Sink();
    const bob = new Sink();
    const conn = hubB.add("alice", alice);
    hubA.add("bob", bob);

    for (let i = 0; i < 50; i++) {
      void worker.publish(
        "alice",
        { type: "execution_output", job_id: "j", data: `${i}\n` },
        {
          connectionId: conn.id,
          jobId: "j",
        },
      );
    }
    const big = "é🙂x".repeat(40_000); // ~280 KB of UTF-8: many NOTIFY fragments
    await worker.publish(
      "alice",
      { type: "execution_result", job_id: "j", stdout: big },
      {
        connectionId: conn.id,
      },
    );
    // Bob's process gets the same notifications but holds no connection of Alice.
    await worker.publish(
      "bob",
      { type: "execution_output", job_id: "k" },
      { connectionId: conn.id },
    );
    await until(() => alice.got.length === 51);
    expect(alice.got.slice(0, 50).map((m) => m.data)).toEqual(
      Array.from({ length: 50 }, (_, i) => `${i}\n`),
    );
    expect(alice.got[50]?.stdout).toBe(big);
    await sleep(100);
    expect(bob.got).toEqual([]);
    await hubA.close();
    await hubB.close();
  });

  it("disconnect ends the user's connections in every process, from any process; no one else's", async () => {
    const hubA = new WsHub();
    const hubB = new WsHub();
    await open(hubA);
    await open(hubB);
    const api = await open(); // the process that deleted the account holds none of them
    const [a1, a2, b1, bob] = [new Sink(), new Sink(), new Sink(), new Sink()];
    hubA.add("dora", a1);
    hubA.add("dora", a2);
    hubB.add("dora", b1);
    hubB.add("bob", bob);
    await api.disconnect("dora", "Account deleted");
    await until(() => [a1, a2, b1].every((s) => s.closed !== undefined));
    for (const s of [a1, a2, b1]) {
      expect(s.got).toEqual([{ type: "error", message: "Account deleted" }]);
      expect(s.closed).toEqual({ code: 1008, reason: "Account deleted" });
    }
    expect(hubA.connectionsOf("dora") + hubB.connectionsOf("dora")).toBe(0);
    // A later message for the user reaches no one; Bob's connection never noticed.
    await api.publish("dora", { type: "late" });
    await api.publish("bob", { type: "still_here" });
    await until(() => bob.got.length === 1);
    expect(bob.got).toEqual([{ type: "still_here" }]);
    expect(bob.closed).toBeUndefined();
    expect(a1.got).toHaveLength(1);
    await hubA.close();
    await hubB.close();
  });

  it("re-listens after losing its connection", async () => {
    const hub = new WsHub();
    await open(hub);
    const publisher = await open();
    const sink = new Sink();
    hub.add("carol", sink);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%' AND datname = current_database()",
    );
    await admin.end();
    await sleep(1500);
    await publisher.publish("carol", { type: "ping_test" });
    await until(() => sink.got.length === 1, 5000);
    expect(sink.got[0]?.type).toBe("ping_test");
    await hub.close();
  });
});

describe("ApiGatewayNotifier", () => {
  let gateway: FakeApiGateway;
  let endpoint: string;
  let posts: Post[];

  beforeAll(async () => {
    gateway = await startFakeApiGateway(["gone-conn"]);
    endpoint = gateway.endpoint;
    posts = gateway.posts;
  });
  afterAll(async () => {
    await gateway?.close();
  });

  /** A notifier posting straight to the stand-in, as the API's does. */
  const notifierOn = (registry: MemoryConnectionRegistry) =>
    new ApiGatewayNotifier({
      poster: new ManagementApiPoster(
        new ApiGatewayManagementApiClient({
          endpoint,
          region: "us-east-1",
          credentials: { accessKeyId: "test", secretAccessKey: "test" },
        }),
        logger,
      ),
      registry,
    });

  it("posts to the user's connections and forgets the ones API Gateway reports gone", async () => {
    const registry = new MemoryConnectionRegistry();
    await registry.add("alice-conn", "alice");
    await registry.add("gone-conn", "alice");
    await registry.add("bob-conn", "bob");
    await registry.subscribe("alice-conn", "job-1");
    const notifier = notifierOn(registry);

    await notifier.publish(
      "alice",
      { type: "execution_result", job_id: "job-1" },
      { jobId: "job-1" },
    );
    expect(posts).toEqual([
      { id: "alice-conn", body: '{"type":"execution_result","job_id":"job-1"}' },
    ]);

    await notifier.publish("alice", { type: "analysis_stream_start" });
    expect(await registry.targets("alice", {})).toEqual(["alice-conn"]);
    // Bob's connection id named in Alice's message: ignored.
    await notifier.publish("alice", { type: "x" }, { connectionId: "bob-conn" });
    expect(posts.filter((p) => p.id === "bob-conn")).toEqual([]);
    await notifier.publish("nobody", { type: "x" });
    await notifier.close();
  });

  it("disconnect tells the named connections why and closes them (DeleteConnection)", async () => {
    const registry = new MemoryConnectionRegistry();
    await registry.add("erin-1", "erin");
    await registry.add("bob-2", "bob");
    const notifier = notifierOn(registry);
    // Named (read before the account's rows went): erin-2 is no longer in the registry.
    await notifier.disconnect("erin", "Account deleted", ["erin-2", "gone-conn"]);
    expect(gateway.messagesTo("erin-2")).toEqual([{ type: "error", message: "Account deleted" }]);
    expect(gateway.deleted).toEqual(["erin-2"]); // gone-conn was gone already: no error
    // Unnamed: the registry's connections of the user, then forgotten there.
    await notifier.disconnect("erin", "Account deleted");
    expect(gateway.deleted).toEqual(["erin-2", "erin-1"]);
    expect(await registry.targets("erin", {})).toEqual([]);
    expect(await registry.targets("bob", {})).toEqual(["bob-2"]);
    expect(gateway.deleted).not.toContain("bob-2");
    await notifier.close();
  });
});
