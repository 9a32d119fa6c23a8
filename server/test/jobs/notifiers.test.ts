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
  send(data: string) {
    this.got.push(JSON.parse(data));
  }
  ping() {}
  close() {}
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

  it("posts to the user's connections and forgets the ones API Gateway reports gone", async () => {
    const registry = new MemoryConnectionRegistry();
    await registry.add("alice-conn", "alice");
    await registry.add("gone-conn", "alice");
    await registry.add("bob-conn", "bob");
    await registry.subscribe("alice-conn", "job-1");
    const client = new ApiGatewayManagementApiClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    const notifier = new ApiGatewayNotifier({
      poster: new ManagementApiPoster(client, logger),
      registry,
    });

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
});
