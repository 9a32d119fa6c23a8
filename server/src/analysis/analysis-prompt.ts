// The instructions sent to a language model: the four Markdown sections of the original,
// then a JSON block the parser can read without understanding the prose.

export function buildAnalysisPrompt(code: string): string {
  // A fence longer than any backtick run in the code, so the code cannot close it early.
  const longestRun = Math.max(0, ...(code.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return [
    "You are an expert in algorithm analysis. Analyse the time and space complexity of the",
    "Python code below, in terms of the size n of its input (worst case).",
    "",
    "Answer in Markdown with exactly these sections:",
    "## Algorithm — what the code does and which algorithm or pattern it uses.",
    "## Time Complexity — the bound and why (name the loops, calls or recursion and their lines).",
    "## Space Complexity — the auxiliary space and why.",
    "## Suggestions — concrete ways to improve it, if any.",
    "",
    "End with one fenced JSON block and nothing after it:",
    "```json",
    '{"time_complexity": "O(...)", "space_complexity": "O(...)"}',
    "```",
    "Use this notation where it applies: O(1), O(log n), O(sqrt n), O(n), O(n log n), O(n^2),",
    "O(n^3), O(2^n), O(n!). Write powers with ^ (n^2, not n²).",
    "",
    "Code:",
    `${fence}python`,
    code,
    fence,
  ].join("\n");
}
