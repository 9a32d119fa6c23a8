import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FairScheduler } from "../../src/execution/fair-scheduler.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

/** Tasks that record their start and end only when their gate is opened (gates.shift()). */
function gatedTasks() {
  const started: string[] = [];
  const gates: (() => void)[] = [];
  const task = (label: string) => () =>
    new Promise<void>((resolve) => {
      started.push(label);
      gates.push(resolve);
    });
  return { started, gates, task };
}

describe("FairScheduler", () => {
  it("gives the next free slot to the user with nothing running, not to the backlog", async () => {
    const s = new FairScheduler(2);
    const { started, gates, task } = gatedTasks();
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

  it("keeps a slot beyond the others for a user with nothing running: a newcomer starts at once", async () => {
    const s = new FairScheduler(4, 1);
    const { started, gates, task } = gatedTasks();
    const all: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) all.push(s.run("flood", task(`flood-${i}`)));
    await Promise.resolve();
    // A lone user gets every slot, not the reserve.
    expect(started).toEqual(["flood-0", "flood-1", "flood-2", "flood-3"]);
    expect(s.stats()).toMatchObject({ active: 4, waiting: 6 });
    // No flood run has ended: the victim still starts (it waited for one before).
    all.push(s.run("victim", task("victim")));
    await Promise.resolve();
    expect(started[4]).toBe("victim");
    expect(s.stats()).toMatchObject({ active: 5 });
    // A second run of the victim's is not a newcomer's: it waits like the flood.
    all.push(s.run("victim", task("victim-2")));
    await Promise.resolve();
    expect(started).toHaveLength(5);
    // A flood run ends: four run, the slots' number, so nobody with a run in progress starts.
    gates.shift()?.();
    await new Promise((r) => setImmediate(r));
    expect(started).toHaveLength(5);
    expect(s.stats()).toMatchObject({ active: 4 });
    // Another ends: the slot goes to the victim (fewer runs in progress than the flood).
    gates.shift()?.();
    await new Promise((r) => setImmediate(r));
    expect(started[5]).toBe("victim-2");
    expect(s.stats()).toMatchObject({ active: 4 });
    while (gates.length > 0) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
      expect(s.stats().active).toBeLessThanOrEqual(5);
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

describe("sync runs on one server (real sandbox, 2 slots)", () => {
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

  it("another user's run starts and ends while every flood run is still in progress", async () => {
    const flooder = await t.signUp("flooder");
    const victim = await t.signUp("victim-2");
    let floodDone = 0;
    const runs = Array.from({ length: 4 }, () =>
      t.app
        .inject({
          method: "POST",
          url: "/execute",
          headers: flooder.headers,
          payload: { code: "import time\ntime.sleep(3)" },
        })
        .then((r) => {
          expect(r.statusCode).toBe(200);
          floodDone += 1;
        }),
    );
    const { scheduler } = t.areas.execution;
    // The flood holds both slots (a lone user gets them all) and queues the rest.
    while (scheduler.stats().active < 2 || scheduler.stats().waiting < 2)
      await new Promise((r) => setTimeout(r, 20));
    expect(scheduler.stats().active).toBe(2);
    const res = await t.app.inject({
      method: "POST",
      url: "/execute",
      headers: victim.headers,
      payload: { code: "print('not behind the flood')" },
    });
    expect(res.json().stdout).toBe("not behind the flood\n");
    // Before the reserve, the victim waited for a flood run to end.
    expect(floodDone).toBe(0);
    await Promise.all(runs);
  }, 60_000);
});
