#!/usr/bin/env node
// Smoke suite against any running deployment (the seed's testing strategy):
//   npm run test:smoke -- --base-url URL [--token T] [--ws-url URL]
// Checks health, the OpenAPI document and docs, sign-in, a run, an analysis, a snippet
// round trip, search and a WebSocket result. Without --token it registers and signs in a
// fresh local account (AUTH_MODE=local); with Cognito pass a user's id or access token.
// Everything it creates it deletes again. Exit code 0 when every check passed, else 1.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import WebSocket from "ws";

const { values } = parseArgs({
  options: {
    "base-url": { type: "string" },
    token: { type: "string" },
    "ws-url": { type: "string" },
    timeout: { type: "string", default: "30" },
  },
});
const base = values["base-url"]?.replace(/\/+$/, "");
if (!base) {
  console.error("usage: npm run test:smoke -- --base-url URL [--token T] [--ws-url URL]");
  process.exit(2);
}
const timeoutMs = Number(values.timeout) * 1000;
let token = values.token;
const results = [];

async function http(method, path, body, auth = true) {
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (auth && token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function expectStatus(res, status, what) {
  expect(
    res.status === status,
    `${what}: expected ${status}, got ${res.status} ${res.text.slice(0, 300)}`,
  );
}

async function check(name, fn) {
  const started = performance.now();
  try {
    const detail = await fn();
    const ms = Math.round(performance.now() - started);
    results.push({ name, ok: true });
    console.log(`  ✓ ${name} (${ms} ms)${detail ? ` — ${detail}` : ""}`);
    return true;
  } catch (err) {
    results.push({ name, ok: false });
    console.log(`  ✗ ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

function wsUrl() {
  const given = values["ws-url"];
  const url = new URL(given ?? `${base.replace(/^http/, "ws")}/ws`);
  if (token) url.searchParams.set("token", token);
  return url.toString();
}

/** Opens the WebSocket, learns its connection id, runs `submit(id)`, waits for the result. */
function webSocketResult(submit) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl());
    const output = [];
    let jobId;
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error("no execution_result within the timeout"));
    }, timeoutMs);
    const fail = (err) => {
      clearTimeout(timer);
      socket.terminate();
      reject(err);
    };
    socket.on("error", fail);
    socket.on("unexpected-response", (_req, res) =>
      fail(new Error(`WebSocket handshake answered ${res.statusCode}`)),
    );
    socket.on("open", () => socket.send(JSON.stringify({ action: "ping" })));
    socket.on("message", (raw) => {
      const m = JSON.parse(String(raw));
      if (m.type === "pong" && jobId === undefined) {
        jobId = null;
        submit(m.connection_id).then((id) => {
          jobId = id;
        }, fail);
      } else if (m.type === "execution_output") {
        output.push(m.data);
      } else if (m.type === "execution_result") {
        clearTimeout(timer);
        socket.close();
        resolve({ result: m, streamed: output.join("") });
      }
    });
  });
}

console.log(`Smoke test of ${base}`);

const healthy = await check("GET /health", async () => {
  const res = await http("GET", "/health", undefined, false);
  expectStatus(res, 200, "health");
  expect(res.json?.status === "healthy", `status is ${res.json?.status}`);
  return `version ${res.json.version}`;
});
if (!healthy) {
  console.log("\nThe deployment does not answer /health; nothing else was tried.");
  process.exit(1);
}

await check("GET /health/ready", async () => {
  const res = await http("GET", "/health/ready", undefined, false);
  expect(res.status === 200, `not ready (${res.status}): ${res.text.slice(0, 300)}`);
  const deps = res.json.dependencies ?? {};
  return `${res.json.status}; runs ${deps.execution?.runs ?? "?"}, isolation ${deps.sandbox?.isolation ?? "?"}`;
});

await check("OpenAPI document and docs", async () => {
  const doc = await http("GET", "/openapi.json", undefined, false);
  expectStatus(doc, 200, "/openapi.json");
  for (const path of ["/execute", "/execute/async", "/analyze", "/snippets", "/search"]) {
    expect(doc.json?.paths?.[path], `/openapi.json lacks ${path}`);
  }
  const docs = await fetch(`${base}/docs`, { signal: AbortSignal.timeout(timeoutMs) });
  expect(docs.status === 200, `/docs answered ${docs.status}`);
  expect((await docs.text()).includes("<html"), "/docs is not an HTML page");
  return `${Object.keys(doc.json.paths).length} paths`;
});

const signedIn = await check("sign-in", async () => {
  if (!token) {
    const email = `smoke-${randomBytes(6).toString("hex")}@example.com`;
    const password = `smoke-${randomBytes(12).toString("hex")}`;
    const reg = await http("POST", "/auth/register", { email, password }, false);
    expectStatus(reg, 201, "POST /auth/register (pass --token for a Cognito deployment)");
    const login = await http("POST", "/auth/login", { email, password }, false);
    expectStatus(login, 200, "POST /auth/login");
    token = login.json.access_token;
  }
  const me = await http("GET", "/auth/me");
  expectStatus(me, 200, "GET /auth/me");
  return values.token ? `as ${me.json.email ?? me.json.id}` : `registered ${me.json.email}`;
});

if (signedIn) {
  await check("a run: POST /execute", async () => {
    const res = await http("POST", "/execute", { code: "print(sum(range(10)))\nprint(6 * 7)" });
    expectStatus(res, 200, "POST /execute");
    expect(res.json.success === true, `run failed: ${res.json.error}`);
    expect(res.json.stdout === "45\n42\n", `stdout was ${JSON.stringify(res.json.stdout)}`);
    return `${res.json.execution_time_ms} ms in the sandbox`;
  });

  await check("a policy refusal: 400", async () => {
    const res = await http("POST", "/execute", { code: "import os\nos.system('id')" });
    expectStatus(res, 400, "POST /execute of a refused program");
    expect(res.json.error === "security_violation", `error was ${res.json.error}`);
  });

  await check("an analysis: POST /analyze", async () => {
    const code =
      "def pairs(xs):\n    for a in xs:\n        for b in xs:\n            print(a, b)\n";
    const res = await http("POST", "/analyze", { code });
    expectStatus(res, 200, "POST /analyze");
    expect(res.json.success === true, `analysis failed: ${res.json.error}`);
    expect(res.json.time_complexity === "O(n^2)", `time was ${res.json.time_complexity}`);
    return `${res.json.time_complexity} by ${res.json.model ?? "the static analyser"}`;
  });

  await check("a snippet round trip", async () => {
    const created = await http("POST", "/snippets", {
      code: "def add(a, b):\n    return a + b\n",
      title: "smoke test snippet",
    });
    expectStatus(created, 201, "POST /snippets");
    const id = created.json.id;
    try {
      const read = await http("GET", `/snippets/${id}`);
      expectStatus(read, 200, "GET /snippets/{id}");
      expect(read.json.code.includes("return a + b"), "the code did not come back");
      const updated = await http("PUT", `/snippets/${id}`, { title: "smoke test, renamed" });
      expectStatus(updated, 200, "PUT /snippets/{id}");
      expect(updated.json.title === "smoke test, renamed", "the title did not change");
      const starred = await http("POST", `/snippets/${id}/star`);
      expectStatus(starred, 200, "POST /snippets/{id}/star");
      expect(starred.json.is_starred === true, "the star did not toggle");
      const list = await http("GET", "/snippets?limit=100");
      expectStatus(list, 200, "GET /snippets");
      expect(
        list.json.items.some((s) => s.id === id),
        "the snippet is not in the list",
      );
      const search = await http("GET", `/search?q=${encodeURIComponent("add two numbers")}`);
      expectStatus(search, 200, "GET /search");
      expect(["semantic", "cypher"].includes(search.json.method), `method ${search.json.method}`);
    } finally {
      const deleted = await http("DELETE", `/snippets/${id}`);
      expectStatus(deleted, 200, "DELETE /snippets/{id}");
    }
    const gone = await http("GET", `/snippets/${id}`);
    expectStatus(gone, 404, "GET of a deleted snippet");
  });

  await check("a WebSocket result: POST /execute/async", async () => {
    const { result, streamed } = await webSocketResult(async (connectionId) => {
      const res = await http("POST", "/execute/async", {
        code: "for i in range(3):\n    print('tick', i)",
        connection_id: connectionId,
      });
      expectStatus(res, 202, "POST /execute/async");
      return res.json.job_id;
    });
    expect(result.success === true, `run failed: ${result.error}`);
    expect(result.stdout === "tick 0\ntick 1\ntick 2\n", `stdout ${JSON.stringify(result.stdout)}`);
    expect(streamed === result.stdout, `streamed output was ${JSON.stringify(streamed)}`);
  });
}

const failed = results.filter((r) => !r.ok).length;
console.log(`\n${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
