import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FairScheduler } from "../../src/execution/fair-scheduler.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

describe("FairScheduler", () => {
  it("gives the next free slot to the user with nothing running, not to the backlog", async () => {
    const s = new FairScheduler(2);
    const started: string[] = [];
    const gates: (() => void)[] = [];
    const task = (label: string) => () =>
      new Promise<void>((resolve) => {
        started.push(label);
        gates.push(resolve);
      });
    const all: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) all.push(s.run("flood", task(`flood-${i}`)));
    await Promise.resolve();
    all.push(s.run("victim", task("victim")));
    expect(started).toEqual(["flood-0", "flood-1"]);
    expect(s.stats()).toMatchObject({ active: 2, waiting: 9 });
    gates.shift()?.();
    await new Promise((r) => setImmediate(r));
    expect(started[2]).toBe("victim");
    while (gates.length > 0) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(all);
    // The backlog kept its own order.
    expect(started.filter((x) => x.startsWith("flood"))).toEqual(
      Array.from({ length: 10 }, (_, i) => `flood-${i}`),
    );
    expect(s.stats()).toEqual({ active: 0, waiting: 0, users: 0 });
  });

  it("keeps one of three or more slots for other users: a newcomer starts at once", async () => {
    const s = new FairScheduler(4);
    const started: string[] = [];
    const gates: (() => void)[] = [];
    const task = (label: string) => () =>
      new Promise<void>((resolve) => {
        started.push(label);
        gates.push(resolve);
      });
    const all: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) all.push(s.run("flood", task(`flood-${i}`)));
    await Promise.resolve();
    expect(started).toEqual(["flood-0", "flood-1", "flood-2"]);
    expect(s.stats()).toMatchObject({ active: 3, waiting: 7 });
    // No flood run has ended: the victim still starts (it waited for one before).
    all.push(s.run("victim", task("victim")));
    await Promise.resolve();
    expect(started[3]).toBe("victim");
    expect(s.stats()).toMatchObject({ active: 4 });
    while (gates.length > 0) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(all);
    expect(started.filter((x) => x.startsWith("flood"))).toEqual(
      Array.from({ length: 10 }, (_, i) => `flood-${i}`),
    );
    expect(s.stats()).toEqual({ active: 0, waiting: 0, users: 0 });
  });

  it("round-robins between several backlogged users", async () => {
    const s = new FairScheduler(1);
    const order: string[] = [];
    const runs: Promise<void>[] = [];
    for (const u of ["a", "b", "c"])
      for (let i = 0; i < 3; i++)
        runs.push(
          s.run(u, async () => {
            order.push(u);
            await new Promise((r) => setImmediate(r));
          }),
        );
    await Promise.all(runs);
    expect(order).toEqual(["a", "b", "c", "a", "b", "c", "a", "b", "c"]);
  });
});

describe("sync runs on one server (real sandbox)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("pglite", {
      EXECUTION_RATE_LIMIT_PER_MINUTE: "1000",
      SANDBOX_MAX_CONCURRENT: "2",
    });
  });
  afterAll(async () => t?.close());

  it("a single run of a newcomer overtakes the flood of 10 users", async () => {
    const flood = await Promise.all(Array.from({ length: 10 }, (_, i) => t.signUp(`f${i}`)));
    const victim = await t.signUp("victim");
    let floodDone = 0;
    const runs: Promise<unknown>[] = [];
    for (let round = 0; round < 3; round++)
      for (const u of flood)
        runs.push(
          t.app
            .inject({
              method: "POST",
              url: "/execute",
              headers: u.headers,
              payload: { code: "import time\ntime.sleep(0.2)" },
            })
            .then((r) => {
              expect(r.statusCode).toBe(200);
              floodDone += 1;
            }),
        );
    // Let the flood fill the slots and the waiting line first.
    while (floodDone === 0) await new Promise((r) => setTimeout(r, 20));
    const res = await t.app.inject({
      method: "POST",
      url: "/execute",
      headers: victim.headers,
      payload: { code: "print('me')" },
    });
    const doneWhenVictimFinished = floodDone;
    expect(res.json().stdout).toBe("me\n");
    await Promise.all(runs);
    // FIFO would have made the victim wait for the whole backlog (30 runs); fair
    // scheduling lets it in as soon as a slot frees (plus the flood runs that finish while
    // its request is authenticated and admitted on a loaded machine).
    expect(doneWhenVictimFinished).toBeLessThanOrEqual(15);
  });
});
