// StructuredQuery → parameterised SQL fragments for the search_documents table. Every value
// travels as a bind parameter; only fixed SQL text is written here.
import { type SQL, sql } from "drizzle-orm";
import { rankOf } from "../analysis/complexity-notation.js";
import type { ComplexityRange, StructuredQuery } from "./structured-query.js";

function rangeSql(column: SQL, range: ComplexityRange | undefined): SQL[] {
  if (!range) return [];
  const out: SQL[] = [];
  if (range.min !== undefined) out.push(sql`${column} >= ${rankOf(range.min)}`);
  if (range.max !== undefined) out.push(sql`${column} <= ${rankOf(range.max)}`);
  return out;
}

/** WHERE clause: the owner always, then the query's filters. */
export function filterSql(userId: string, q: StructuredQuery): SQL {
  const parts: SQL[] = [sql`user_id = ${userId}`];
  if (q.language !== undefined) parts.push(sql`language = ${q.language}`);
  if (q.starred !== undefined) parts.push(sql`is_starred = ${q.starred}`);
  parts.push(...rangeSql(sql`time_rank`, q.time), ...rangeSql(sql`space_rank`, q.space));
  return sql.join(parts, sql` and `);
}

export const hasFilters = (q: StructuredQuery) =>
  q.language !== undefined || q.starred !== undefined || !!q.time || !!q.space;

/** ORDER BY for a query without free text. */
export function filterOrderSql(q: StructuredQuery): SQL {
  switch (q.order) {
    case "fastest":
      return sql`time_rank asc nulls last, is_starred desc, snippet_updated_at desc, snippet_id`;
    case "slowest":
      return sql`time_rank desc nulls last, is_starred desc, snippet_updated_at desc, snippet_id`;
    case "newest":
      return sql`snippet_updated_at desc, snippet_id`;
    default:
      return sql`is_starred desc, snippet_updated_at desc, snippet_id`;
  }
}
