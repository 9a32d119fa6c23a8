// Issue 10 item 9: every framework error answers the API's envelope — a path that is not
// valid percent-encoded UTF-8, malformed HTTP and oversized headers on a real socket, and
// requests that arrive while the server shuts down — never Fastify's or Node's own body.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/execution/sandbox/sandbox.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let port = 0;
beforeAll(async () => {
  t = await createTestApp("pglite");
  await t.app.listen({ host: "127.0.0.1", port: 0 });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(async () => t?.close());

/** Writes raw bytes to the server and returns what it answers (until it closes). */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let data = "";
    socket.on("data", (d) => {
      data += d.toString("latin1");
    });
    socket.on("close", () => resolve(data));
    socket.on("error", reject);
    socket.setTimeout(5000, () => socket.destroy());
  });
}

function envelope(response: string): { status: number; body: { error: string; message: string } } {
  const [head, body] = response.split("\r\n\r\n");
  return { status: Number(head?.split(" ")[1]), body: JSON.parse(body ?? "null") };
}

describe("framework errors in the envelope", () => {
  it("a bad percent-encoding in the path answers 400 bad_request with a request id", async () => {
    const { headers } = await t.signUp();
    for (const url of [
      "/snippets/%c0%ae",
      "/snippets/%zz",
      "/snippets/a%",
      "/%c0",
      "/search/similar/%ff",
    ]) {
      const res = await t.app.inject({ method: "GET", url, headers });
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toEqual({
        error: "bad_request",
        message: "The URL is not valid percent-encoded UTF-8",
      });
      expect(res.headers["x-request-id"]).toBeTruthy();
    }
  });

  it("malformed HTTP and oversized headers get the envelope on the wire", async () => {
    const garbage = envelope(await raw("GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n"));
    expect(garbage.status).toBe(400);
    expect(garbage.body).toEqual({ error: "bad_request", message: "Malformed HTTP request" });
    const big = envelope(
      await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(70_000)}\r\n\r\n`),
    );
    expect(big.status).toBe(431);
    expect(big.body.error).toBe("bad_request");
  });
});

describe("a sandbox that dies under an in-flight run", () => {
  let d: TestApp;
  beforeAll(async () => {
    // The failure the remote sandbox reports when its host process is killed mid-run.
    const dead: Sandbox = {
      isolation: "bwrap",
      run: async () => {
        throw new Error("sandbox host exited");
      },
      runTool: async () => {
        throw new Error("sandbox host exited");
      },
      stats: () => ({ warm: 0, busy: 0, queued: 0 }),
      close: async () => {},
    };
    d = await createTestApp("pglite", {}, { sandbox: dead });
  });
  afterAll(async () => d?.close());

  it("answers 503 service_unavailable in the envelope, not 500", async () => {
    const { headers } = await d.signUp();
    const res = await d.app.inject({
      method: "POST",
      url: "/execute",
      headers,
      payload: { code: "print(1)" },
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      error: "service_unavailable",
      message: "The sandbox is unavailable; try again",
    });
  });
});
