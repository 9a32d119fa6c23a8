// Semantic query expansion: a query whose embedding lies close to one of the glossary's
// descriptions (glossary.ts) is taken to describe that entry, and the entry's name is added
// to what the query looks for. "move a pile of disks between three pegs" then meets code
// titled "hanoi" and the idiom phrases of untitled code, by words and by meaning. The
// literal table of query-expansion.ts only knows the phrases it lists; this one reads the
// query's meaning, so it also catches the ways of saying it nobody listed.
//
// Only for an embedder with a measured threshold (Embedder.glossaryMinCosine): the
// cosines of a description and a query are on the model's own scale.
import { aliasOf, conceptsOf } from "./concepts.js";
import { cosine, type Embedder } from "./embedder.js";
import { GLOSSARY, type GlossaryEntry } from "./glossary.js";
import { stem, writtenAsCode } from "./text-features.js";

export interface GlossaryMatch {
  name: string;
  cosine: number;
}

export interface GlossaryExpander {
  /** The entry the query describes, when one is close enough and the query does not name
   * it already; undefined otherwise (or while the descriptions cannot be embedded). */
  match(text: string, embedding: ArrayLike<number>): Promise<GlossaryMatch | undefined>;
  /** Embeds the descriptions ahead of the first query (the app calls it at start). */
  warm(): Promise<void>;
}

const wordsOf = (s: string): string[] => s.toLowerCase().match(/[a-z0-9]+/g) ?? [];

/** A query made only of names written as code ("OrderedDict", "ListNode", "@lru_cache",
 * "BoundedStore move_to_end") asks for those names, not for a task: the model reads
 * "OrderedDict" as ordering, close to the permutations' descriptions, and the name it would
 * add pulls the code that has the OrderedDict out of the first five. Such a query is never
 * expanded; one plain word beside the names makes it a sentence again. */
export function namesOnly(text: string): boolean {
  const words = text.match(/[A-Za-z0-9_]+/g) ?? [];
  return words.length > 0 && words.every(writtenAsCode);
}

/** A query made only of the algorithm lexicon's words ("graph", "sorting", "shortest
 * path", "bfs") already names its topic in the words the index matches; the expansion is
 * for a query that describes a task without them. Expanded, "graph algorithms" read as a
 * chart and gained "matplotlib plot chart", which put the plotting snippets above every
 * graph algorithm. */
export function lexiconOnly(text: string): boolean {
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return words.length > 0 && words.every((w) => conceptsOf(stem(aliasOf(w))).length > 0);
}

type Described = { entry: GlossaryEntry; vector: number[] }[];
type QueryEmbedder = Pick<Embedder, "embedQuery">;

/** The descriptions' vectors, once per embedder and glossary: every search service (and
 * every test app) over one model shares them. */
const describedBy = new WeakMap<QueryEmbedder, Map<readonly GlossaryEntry[], Promise<Described>>>();

function describe(embedder: QueryEmbedder, glossary: readonly GlossaryEntry[]): Promise<Described> {
  let byGlossary = describedBy.get(embedder);
  if (!byGlossary) {
    byGlossary = new Map();
    describedBy.set(embedder, byGlossary);
  }
  const known = byGlossary.get(glossary);
  if (known) return known;
  const pending = Promise.all(
    glossary.flatMap((entry) =>
      entry.says.map(async (text) => ({ entry, vector: await embedder.embedQuery(text) })),
    ),
  );
  byGlossary.set(glossary, pending);
  // A failure (the model's worker died) is tried again on the next query.
  pending.catch(() => byGlossary.delete(glossary));
  return pending;
}

export function createGlossaryExpander(
  embedder: QueryEmbedder,
  minCosine: number,
  glossary: readonly GlossaryEntry[] = GLOSSARY,
): GlossaryExpander {
  return {
    async warm() {
      await describe(embedder, glossary);
    },
    async match(text, embedding) {
      if (namesOnly(text) || lexiconOnly(text)) return undefined;
      let vectors: Described;
      try {
        vectors = await describe(embedder, glossary);
      } catch {
        return undefined; // the model is down: the query goes on unexpanded
      }
      let best: { entry: GlossaryEntry; cosine: number } | undefined;
      for (const d of vectors) {
        const c = cosine(d.vector, embedding);
        if (!best || c > best.cosine) best = { entry: d.entry, cosine: c };
      }
      if (!best || best.cosine < minCosine) return undefined;
      const said = new Set(wordsOf(text));
      if (wordsOf(best.entry.name).every((w) => said.has(w))) return undefined;
      return { name: best.entry.name, cosine: best.cosine };
    },
  };
}
