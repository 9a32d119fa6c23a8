// Typos in a query are corrected before the model reads it (spelling.ts): to the exercise
// vocabulary and to the words of the glossary's task names, when exactly one is near.
import { describe, expect, it } from "vitest";
import { isKnownWord } from "../../src/search/named-terms.js";
import { correctSpelling, isExerciseWord } from "../../src/search/spelling.js";

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

  it("leaves known words, short words and Python names alone", () => {
    for (const q of ["heapq popleft", "data date", "quick sort", "hangman game"]) {
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
