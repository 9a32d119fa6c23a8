// `npm run bench:hostile`: what a step that reads user text costs on input built to make it
// slow, at the largest size the API accepts, against the same step on ordinary text of the
// same length measured in the same run (the ratio), next to the 100 ms the event loop may
// be held (issue 10). The tests only check that these costs grow linearly
// (server/test/helpers/growth.ts); the absolute numbers are this benchmark's.
// CPU time of this process, best of three after a warm-up.
import { loadavg } from "node:os";
import { normalizeComplexity } from "../server/src/analysis/complexity-notation.js";
import { parseComplexityAnswer } from "../server/src/analysis/complexity-parser.js";
import { MAX_SNIPPET_CODE_CHARS } from "../server/src/snippets/snippet-schemas.js";
import { hostileAnswers, MAX_ANSWER_CHARS } from "../server/test/analysis/hostile-answer-inputs.js";
import { cpuMs } from "../server/test/helpers/growth.js";
import {
  hostileCode,
  ORDINARY_CODE,
  searchCodeSteps,
} from "../server/test/search/hostile-inputs.js";

const LOOP_BUDGET_MS = 100;
const ORDINARY_ANSWER = `## Time complexity\nThe loop halves the range each step: **O(log n)**.\n\n## Space complexity\nO(1): a few integers.\n\n`;
const repeatTo = (text: string, size: number) =>
  text.repeat(Math.ceil(size / text.length)).slice(0, size);

const steps = searchCodeSteps();

function report(rows: { what: string; ms: number; baseMs: number }[]) {
  rows.sort((a, b) => b.ms - a.ms);
  for (const r of rows.slice(0, 12)) {
    const ratio = r.ms / Math.max(r.baseMs, 1e-3);
    console.log(
      `  ${r.what.padEnd(64)} ${r.ms.toFixed(2).padStart(8)} ms  ordinary ${r.baseMs.toFixed(2).padStart(7)} ms  x${ratio.toFixed(1).padStart(6)}`,
    );
  }
  const over = rows.filter((r) => r.ms > LOOP_BUDGET_MS);
  console.log(
    `  worst ${Math.max(...rows.map((r) => r.ms)).toFixed(2)} ms of ${LOOP_BUDGET_MS} ms; over budget: ${over.length}/${rows.length}`,
  );
}

console.log(
  `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(`search text steps on code of ${MAX_SNIPPET_CODE_CHARS} chars (worst 12):`);
const ordinaryCode = repeatTo(ORDINARY_CODE, MAX_SNIPPET_CODE_CHARS);
const base = Object.fromEntries(
  Object.entries(steps).map(([fn, f]) => [fn, cpuMs(() => f(ordinaryCode))]),
);
const codeRows = Object.entries(hostileCode()).flatMap(([name, code]) =>
  Object.entries(steps).map(([fn, f]) => ({
    what: `${fn} / ${name}`,
    ms: cpuMs(() => f(code)),
    baseMs: base[fn] ?? 0,
  })),
);
report(codeRows);

console.log(`answer parsing on answers of ${MAX_ANSWER_CHARS} chars (worst 12):`);
const ordinaryAnswer = repeatTo(ORDINARY_ANSWER, MAX_ANSWER_CHARS);
const parsers: Record<string, (a: string) => unknown> = {
  parseComplexityAnswer,
  normalizeComplexity,
};
const answerRows = Object.entries(hostileAnswers).flatMap(([name, make]) => {
  const answer = make(MAX_ANSWER_CHARS);
  return Object.entries(parsers).map(([fn, f]) => ({
    what: `${fn} / ${name}`,
    ms: cpuMs(() => f(answer)),
    baseMs: cpuMs(() => f(ordinaryAnswer)),
  }));
});
report(answerRows);
