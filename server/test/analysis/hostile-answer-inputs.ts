// Model answers built to make the answer parser's regular expressions backtrack, each as a
// function of its length, up to the largest the parser reads (complexity-parser.ts).

export const MAX_ANSWER_CHARS = 200_000;
const fill = (unit: string, size: number) =>
  unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/** Each answer as a function of its length. */
export const hostileAnswers: Record<string, (size: number) => string> = {
  "a bare object with an unquoted key then spaces": (n) => `{,a${fill(" ", n - 4)}x}`,
  "many unquoted keys and spaces": (n) => `{${fill(",a a    ", n - 2)}}`,
  "a value of spaces": (n) => `{"time_complexity": "a${fill(" ", n - 40)}x"}`,
  "decoration then a letter": (n) => `${fill("`*_ ", n - 1)}x`,
  "fence openers": (n) => fill("```py\n", n),
  "quotes without end": (n) => `{'${fill("a", n - 2)}`,
  "time complexity headings": (n) => fill("time complexity: O(", n),
  "nested parentheses": (n) => `O${fill("(", n / 2)}${fill(")", n / 2)}`,
};
