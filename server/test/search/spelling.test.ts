// Typos in a query are corrected before the model reads it (spelling.ts): to the exercise
// vocabulary and to the words of the glossary's task names, when exactly one is near; the
// word index matches the user's own words within the same distance (lexical.ts).
import { describe, expect, it } from "vitest";
import { droppedOrSwapped, LexicalIndex } from "../../src/search/lexical.js";
import { isKnownWord, unmetNames } from "../../src/search/named-terms.js";
import { correctSpelling, isExerciseWord } from "../../src/search/spelling.js";

describe("droppedOrSwapped", () => {
  it("accepts a dropped letter or two neighbours swapped, nothing else", () => {
    expect(droppedOrSwapped("quik", "quick")).toBe(true);
    expect(droppedOrSwapped("srot", "sort")).toBe(true);
    expect(droppedOrSwapped("sotr", "sort")).toBe(true);
    expect(droppedOrSwapped("sort", "sort")).toBe(false);
    expect(droppedOrSwapped("heep", "heap")).toBe(false);
    expect(droppedOrSwapped("qik", "quick")).toBe(false);
    expect(droppedOrSwapped("stro", "sort")).toBe(false);
  });
});

describe("correctSpelling", () => {
  it("fixes typos of exercise words", () => {
    expect(correctSpelling("bredth first serch")).toBe("breadth first search");
    expect(correctSpelling("levenstein distance")).toBe("levenshtein distance");
  });

  it("fixes typos of the glossary's task names too", () => {
    expect(correctSpelling("fizzbuz")).toBe("fizzbuzz");
    expect(correctSpelling("rock paper sissors")).toBe("rock paper scissors");
    expect(correctSpelling("stopwach")).toBe("stopwatch");
  });

  it("fixes a four-letter word with one letter dropped or two swapped, not changed", () => {
    expect(correctSpelling("quik sort")).toBe("quick sort");
    expect(correctSpelling("hepa sort")).toBe("heap sort");
    expect(correctSpelling("stak")).toBe("stack");
    // An English word is never a typo ("math" is a letter from "match"), and a changed
    // letter is too often another word to guess which.
    expect(correctSpelling("math quiz")).toBe("math quiz");
    expect(correctSpelling("heep sort")).toBe("heep sort");
  });

  it("leaves known words, short words and Python names alone", () => {
    for (const q of ["heapq popleft", "data date", "quick sort", "hangman game", "bfs dfs"]) {
      expect(correctSpelling(q)).toBe(q);
    }
  });

  it("leaves English words alone, though an exercise word is one edit away", () => {
    // Each was "corrected" before: three → tree, spell → shell, clash → class,
    // swapping → shopping, machine → matching.
    for (const q of [
      "move a pile of disks between three pegs",
      "spell out a number in english",
      "meetings without a clash",
      "order items by repeatedly swapping neighbours",
      "the machine narrows down the value",
    ]) {
      expect(correctSpelling(q)).toBe(q);
    }
    expect(correctSpelling("bredth first serch of three pegs")).toBe(
      "breadth first search of three pegs",
    );
  });

  it("keeps library names out of the exercise vocabulary, so they stay names", () => {
    // The glossary names "matplotlib plot chart" and "sqlite database": a typo may become
    // them, but a query naming one the user lacks must still read it as a name.
    for (const lib of ["matplotlib", "sqlite", "numpy", "argparse"]) {
      expect(isExerciseWord(lib)).toBe(false);
      expect(isKnownWord(lib)).toBe(false);
    }
  });
});

describe("a four-letter typo of the user's own word", () => {
  const index = new LexicalIndex();
  index.set(
    0,
    new Map([
      ["quick", 1],
      ["sort", 1],
    ]),
  );
  index.set(
    1,
    new Map([
      ["match", 1],
      ["score", 1],
    ]),
  );

  it("matches it, and is no name the user never wrote", () => {
    expect(index.understand(["quik"])[0]?.matches).toEqual([{ stem: "quick", credit: 0.8 }]);
    expect(unmetNames("quik sort", index)).toEqual([]);
  });

  it("is never an English word", () => {
    expect(index.understand(["math"])[0]?.matches).toEqual([]);
  });
});
