// The table-driven check both idiom test files use: each idiom has a program that shows it
// and a near miss that must not — a program of the same kind that does something else.
import { expect, it } from "vitest";
import { codeIdioms } from "../../src/search/idioms.js";

/** [idiom words, a program with it, a near miss without it] */
export type IdiomCase = [string, string, string];

const says = (code: string, words: string) => codeIdioms(code).some((p) => p.includes(words));

export function checkIdiomCases(cases: IdiomCase[]): void {
  for (const [words, code, nearMiss] of cases) {
    it(`recognises ${words} whatever its names`, () => {
      expect(codeIdioms(code).join(" | ")).toContain(words);
    });
    it(`does not call a near miss ${words}`, () => {
      expect(says(nearMiss, words), codeIdioms(nearMiss).join(" | ")).toBe(false);
    });
  }
}
