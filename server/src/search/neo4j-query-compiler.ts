// StructuredQuery → a parameterised Cypher WHERE fragment over `s` (a :Snippet already
// matched as the user's). Only fixed Cypher text is written here; every value is a parameter.
import { rankOf } from "../analysis/complexity-notation.js";
import type { ComplexityRange, StructuredQuery } from "./structured-query.js";

export interface CypherFilter {
  where: string;
  params: Record<string, unknown>;
}

function rangeClause(
  rel: "HAS_TIME_COMPLEXITY" | "HAS_SPACE_COMPLEXITY",
  prefix: string,
  range: ComplexityRange | undefined,
  params: Record<string, unknown>,
): string[] {
  if (!range || (range.min === undefined && range.max === undefined)) return [];
  const conds: string[] = [];
  if (range.min !== undefined) {
    params[`${prefix}Min`] = rankOf(range.min);
    conds.push(`c.rank >= $${prefix}Min`);
  }
  if (range.max !== undefined) {
    params[`${prefix}Max`] = rankOf(range.max);
    conds.push(`c.rank <= $${prefix}Max`);
  }
  return [`EXISTS { MATCH (s)-[:${rel}]->(c:Complexity) WHERE ${conds.join(" AND ")} }`];
}

export function compileFilter(q: StructuredQuery): CypherFilter {
  const params: Record<string, unknown> = {};
  const conds: string[] = ["true"];
  if (q.language !== undefined) {
    params.language = q.language;
    conds.push("EXISTS { MATCH (s)-[:WRITTEN_IN]->(:Language {name: $language}) }");
  }
  if (q.starred !== undefined) {
    params.starred = q.starred;
    conds.push("s.isStarred = $starred");
  }
  conds.push(...rangeClause("HAS_TIME_COMPLEXITY", "time", q.time, params));
  conds.push(...rangeClause("HAS_SPACE_COMPLEXITY", "space", q.space, params));
  return { where: conds.join(" AND "), params };
}

/** ORDER BY for a query without free text (nulls last in both directions). */
export function filterOrder(q: StructuredQuery): string {
  switch (q.order) {
    case "fastest":
      return "coalesce(s.timeRank, 99) ASC, s.isStarred DESC, s.updatedAt DESC, s.id";
    case "slowest":
      return "coalesce(s.timeRank, -1) DESC, s.isStarred DESC, s.updatedAt DESC, s.id";
    case "newest":
      return "s.updatedAt DESC, s.id";
    default:
      return "s.isStarred DESC, s.updatedAt DESC, s.id";
  }
}
