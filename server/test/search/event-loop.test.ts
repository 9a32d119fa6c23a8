// The host side of issue 10's event-loop item: hostile snippets (hostile-inputs.ts, each at
// the 100,000-character limit) are saved, updated, starred, synced into search and searched
// through the real app while perf_hooks.monitorEventLoopDelay records the worst stall.
// The same steps with ordinary snippets run first as the baseline: on a shared 2-core
// machine the OS alone can stall a process for tens of milliseconds, and that is not what
// this test is about. The stall hostile text adds must stay under 100 ms.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { hostileCode, hostileQueries, ORDINARY_CODE } from "./hostile-inputs.js";

describe("event loop under hostile snippets", () => {
  let t: TestApp;
  let auth: { authorization: string };
  beforeAll(async () => {
    t = await createTestApp("pglite");
    auth = (await t.signUp("hostile")).headers;
  });
  afterAll(async () => t?.close());

  /** Worst event-loop stall (ms) while `codes` go through every write and read path. */
  async function worstStall(
    codes: string[],
    description: string,
    queries: string[],
  ): Promise<number> {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const ids: string[] = [];
    for (const [i, code] of codes.entries()) {
      const created = await t.app.inject({
        method: "POST",
        url: "/snippets",
        headers: auth,
        payload: { title: `snippet ${i}`, code },
      });
      expect(created.statusCode).toBe(201);
      ids.push(created.json().id as string);
    }
    for (const id of ids.slice(0, 5)) {
      for (const payload of [{ description }, { is_starred: true }]) {
        const r = await t.app.inject({
          method: "PUT",
          url: `/snippets/${id}`,
          headers: auth,
          payload,
        });
        expect(r.statusCode).toBe(200);
      }
    }
    // The in-process sync drains as it goes; this finishes whatever is left.
    await t.areas.search.sync.drain();
    expect(await t.areas.search.sync.pendingCount()).toBe(0);
    for (const q of queries) {
      const r = await t.app.inject({
        method: "GET",
        url: `/search?q=${encodeURIComponent(q)}`,
        headers: auth,
      });
      expect(r.statusCode).toBe(200);
    }
    const similar = await t.app.inject({
      method: "GET",
      url: `/search/similar/${ids[0]}`,
      headers: auth,
    });
    expect(similar.statusCode).toBe(200);
    delay.disable();
    return delay.max / 1e6;
  }

  // Up to seven passes over every hostile input: the time limit bounds the whole test on a
  // loaded machine, not the stall, which is what the assertion measures.
  it("adds under 100 ms to the worst stall while they are saved, updated, synced and searched", async () => {
    const hostile = Object.values(hostileCode());
    const queries = Object.values(hostileQueries());
    // Warm-up: JIT, the model's worker thread and the database's caches.
    await worstStall([ORDINARY_CODE], "warm", ["binary search"]);
    // A stall that hostile text causes happens every time it is processed; one the OS
    // causes (the machine shared with other work) does not. So the pair is measured up to
    // three times and the smallest difference counts.
    const added: number[] = [];
    for (let round = 0; round < 3; round++) {
      const baseline = await worstStall(
        hostile.map((_, i) => ORDINARY_CODE.replace("binary_search", `search_${round}_${i}`)),
        "an ordinary description",
        queries.map(() => "binary search in a sorted list"),
      );
      const withHostile = await worstStall(hostile, `${"\\'".repeat(4_999)}'`, queries);
      added.push(withHostile - baseline);
      if (withHostile - baseline < 100) break;
    }
    expect(Math.min(...added), `added stall per round (ms): ${added.join(", ")}`).toBeLessThan(100);
  }, 180_000);
});
