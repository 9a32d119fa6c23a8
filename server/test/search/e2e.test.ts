// Through the real app: create → sync → search finds it → update → re-ranked → delete → gone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DRIVERS } from "../helpers/databases.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

describe.each(DRIVERS)("search end to end on %s (postgres index)", (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(driver);
  });
  afterAll(async () => t?.close());

  const search = async (headers: Record<string, string>, q: string) => {
    const res = await t.app.inject({
      method: "GET",
      url: `/search?q=${encodeURIComponent(q)}&limit=5`,
      headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      results: { snippet_id: string; score: number }[];
      method: string;
      method_detail: string;
    };
  };
  const create = async (headers: Record<string, string>, payload: object) => {
    const res = await t.app.inject({ method: "POST", url: "/snippets", headers, payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };

  it("finds, re-ranks and forgets a snippet as it changes", async () => {
    const alice = await t.signUp("alice");
    const sorter = await create(alice.headers, {
      title: "Bubble sort",
      code: "def bubble_sort(items):\n    for i in range(len(items)):\n        for j in range(len(items) - i - 1):\n            if items[j] > items[j + 1]:\n                items[j], items[j + 1] = items[j + 1], items[j]\n    return items\n",
    });
    const finder = await create(alice.headers, {
      title: "Lookup",
      code: "def lookup(table, key):\n    return table.get(key)\n",
    });
    await t.areas.search.sync.drain();

    const first = await search(alice.headers, "sorting algorithms");
    expect(first.method).toBe("semantic");
    expect(first.method_detail).toBe("rules+hybrid:postgres");
    expect(first.results[0]?.snippet_id).toBe(sorter.id);

    // The lookup becomes a binary search: it now leads for "binary search".
    const put = await t.app.inject({
      method: "PUT",
      url: `/snippets/${finder.id}`,
      headers: alice.headers,
      payload: {
        title: "Binary search",
        code: "def binary_search(items, target):\n    lo, hi = 0, len(items) - 1\n    while lo <= hi:\n        mid = (lo + hi) // 2\n        if items[mid] == target:\n            return mid\n        if items[mid] < target:\n            lo = mid + 1\n        else:\n            hi = mid - 1\n    return -1\n",
      },
    });
    expect(put.statusCode).toBe(200);
    await t.areas.search.sync.drain();
    const second = await search(alice.headers, "binary search in a sorted list");
    expect(second.results[0]?.snippet_id).toBe(finder.id);

    const del = await t.app.inject({
      method: "DELETE",
      url: `/snippets/${sorter.id}`,
      headers: alice.headers,
    });
    expect(del.statusCode).toBe(200);
    await t.areas.search.sync.drain();
    const third = await search(alice.headers, "bubble sort");
    expect(third.results.map((r) => r.snippet_id)).not.toContain(sorter.id);
    expect(await t.areas.search.sync.pendingCount()).toBe(0);
  });
});
