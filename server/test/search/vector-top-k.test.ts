// The exact path's neighbour selection (postgres-vector-cache.ts topK) against a plain sort of
// every row: the same ids in the same order, ties by id, filters applied, dense and sparse
// queries, k above the row count; and the native scan (usearch) choosing the same rows.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nativeScan, nearestRows, topK } from "../../src/search/postgres-vector-cache.js";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function reference(
  ids: string[],
  m: Float32Array,
  d: number,
  q: number[],
  k: number,
  allowed?: Set<string>,
) {
  const all = ids.flatMap((id, i) => {
    if (allowed && !allowed.has(id)) return [];
    let s = 0;
    for (let j = 0; j < d; j++) s += (m[i * d + j] as number) * (q[j] as number);
    return [{ id, score: s }];
  });
  all.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  return all.slice(0, k);
}

describe("topK", () => {
  const d = 10;
  const n = 500;
  const r = rng(7);
  const ids = Array.from({ length: n }, (_, i) => `id-${String((i * 37) % n).padStart(4, "0")}`);
  const m = new Float32Array(n * d);
  // Every fifth row repeats row 0, so ties must be broken by id.
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) m[i * d + j] = i % 5 === 0 ? (m[j] as number) : r() - 0.5;
  const dense = Array.from({ length: d }, () => r() - 0.5);

  it.each([1, 7, 50, 499, 500, 10_000])("matches a full sort for k = %i", (k) => {
    const got = topK(ids, m, d, dense, k);
    expect(got.map((g) => g.id)).toEqual(reference(ids, m, d, dense, k).map((g) => g.id));
    expect(got.length).toBe(Math.min(k, n));
  });

  it("breaks equal scores by id", () => {
    const q = Array.from(m.subarray(0, d));
    const got = topK(ids, m, d, q, 20).map((g) => g.id);
    expect(got).toEqual(reference(ids, m, d, q, 20).map((g) => g.id));
    const tied = got.slice(0, 10);
    expect([...tied].sort()).toEqual(tied);
  });

  it("keeps only allowed ids, and sparse queries score the same", () => {
    const allowed = new Set(ids.filter((_, i) => i % 3 === 0));
    const sparse = dense.map((x, j) => (j === 2 ? x : 0));
    for (const q of [dense, sparse]) {
      const got = topK(ids, m, d, q, 25, allowed);
      expect(got.every((g) => allowed.has(g.id))).toBe(true);
      expect(got.map((g) => g.id)).toEqual(reference(ids, m, d, q, 25, allowed).map((g) => g.id));
    }
  });

  it("returns nothing for k = 0 or no rows", () => {
    expect(topK(ids, m, d, dense, 0)).toEqual([]);
    expect(topK([], new Float32Array(0), d, dense, 5)).toEqual([]);
  });
});

describe("nearestRows (native scan)", () => {
  const d = 384;
  const n = 3_000;
  const r = rng(11);
  const ids = Array.from({ length: n }, (_, i) => `row-${String(i).padStart(5, "0")}`);
  const m = new Float32Array(n * d);
  for (let i = 0; i < m.length; i++) m[i] = r() - 0.5;
  const q = Array.from({ length: d }, () => r() - 0.5);

  it("loads on this platform (its npm package ships the binary)", async () => {
    expect(await nativeScan()).toBe(true);
  });

  it("loads under plain Node as the server runs it, not only under the test runner", () => {
    const file = fileURLToPath(
      new URL("../../src/search/postgres-vector-cache.ts", import.meta.url),
    );
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `const m = await import(${JSON.stringify(file)}); process.stdout.write(String(await m.nativeScan()));`,
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    expect(r.stdout, r.stderr).toBe("true");
  });

  it("returns the rows and scores of the JavaScript scan", async () => {
    for (const k of [1, 50, 2_999, 3_000, 5_000]) {
      const got = await nearestRows(ids, m, d, q, k);
      const want = topK(ids, m, d, q, k);
      expect(got.map((g) => g.id)).toEqual(want.map((w) => w.id));
      got.forEach((g, i) => {
        expect(g.score).toBeCloseTo(want[i]?.score as number, 6);
      });
    }
    const allowed = new Set(ids.slice(0, 100));
    expect((await nearestRows(ids, m, d, q, 10, allowed)).map((g) => g.id)).toEqual(
      topK(ids, m, d, q, 10, allowed).map((g) => g.id),
    );
  });
});
