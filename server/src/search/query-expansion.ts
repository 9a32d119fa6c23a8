// Query expansion for paraphrases: a person describes what the code does ("schedule jobs
// that have prerequisites") in words no snippet uses; the name of the algorithm is added to
// the query text, so both the words and the model find it. The table is built from the dev
// part of the labelled set only (bench/datasets/search/queries.json, the paraphrase
// family) — never from the held-out part — and each entry names the dev query it came from.
// It stays small and literal on purpose: a phrase here always means the named algorithm.

const EXPANSIONS: { phrase: RegExp; adds: string }[] = [
  // dev: "schedule jobs that have prerequisites"
  { phrase: /\bprerequisites?\b/, adds: "topological sort" },
  // dev: "are two strings made of the same characters"
  { phrase: /\bsame (?:characters?|chars?)\b/, adds: "anagram" },
  // dev: "numbers with no divisors except one and themselves"
  { phrase: /\bno (?:other )?divisors?\b/, adds: "prime" },
];

/** The query's text with the names its phrases stand for appended (each once). */
export function expandQuery(text: string): string {
  const lower = text.toLowerCase();
  const adds = EXPANSIONS.filter((e) => e.phrase.test(lower) && !lower.includes(e.adds)).map(
    (e) => e.adds,
  );
  return adds.length === 0 ? text : `${text} ${adds.join(" ")}`;
}
