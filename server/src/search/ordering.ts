// Ordering shared by both adapters once relevance has picked the candidates: "fastest" and
// "slowest" re-sort the relevant set by Big-O rank, unknown complexities last.
import { complexityRank } from "../analysis/complexity-notation.js";
import type { SearchHit } from "./search-index.js";
import type { SearchOrder } from "./structured-query.js";

export function orderHits(hits: SearchHit[], order: SearchOrder): SearchHit[] {
  if (order !== "fastest" && order !== "slowest") return hits;
  const dir = order === "fastest" ? 1 : -1;
  const key = (h: SearchHit) => complexityRank(h.timeComplexity);
  return [...hits].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === undefined || kb === undefined) {
      if (ka !== kb) return ka === undefined ? 1 : -1;
      return b.score - a.score;
    }
    return ka === kb ? b.score - a.score : dir * (ka - kb);
  });
}

/** How many relevant candidates an ordered query re-sorts: enough to fill the page. */
export const candidatePool = (limit: number) => Math.max(limit * 3, 20);
