// The graph's schema, in order. Applied once each by the runner and recorded as
// (:Migration {id}); every statement is idempotent too, so a crash midway is harmless.
import { EMBEDDING_DIMENSIONS } from "../embedder.js";

export interface Neo4jMigration {
  id: string;
  statements: string[];
}

export const MIGRATIONS: Neo4jMigration[] = [
  {
    id: "0001_constraints",
    statements: [
      "CREATE CONSTRAINT migration_id IF NOT EXISTS FOR (m:Migration) REQUIRE m.id IS UNIQUE",
      "CREATE CONSTRAINT snippet_id IF NOT EXISTS FOR (s:Snippet) REQUIRE s.id IS UNIQUE",
      "CREATE CONSTRAINT user_id IF NOT EXISTS FOR (u:User) REQUIRE u.id IS UNIQUE",
      "CREATE CONSTRAINT language_name IF NOT EXISTS FOR (l:Language) REQUIRE l.name IS UNIQUE",
      "CREATE CONSTRAINT complexity_notation IF NOT EXISTS FOR (c:Complexity) REQUIRE c.notation IS UNIQUE",
    ],
  },
  {
    id: "0002_snippet_embedding_vector_index",
    statements: [
      `CREATE VECTOR INDEX snippet_embedding IF NOT EXISTS FOR (s:Snippet) ON (s.embedding)
       OPTIONS { indexConfig: { \`vector.dimensions\`: ${EMBEDDING_DIMENSIONS}, \`vector.similarity_function\`: 'cosine' } }`,
    ],
  },
  {
    id: "0003_snippet_fulltext_index",
    statements: [
      `CREATE FULLTEXT INDEX snippet_text IF NOT EXISTS FOR (s:Snippet) ON EACH [s.title, s.description, s.terms]
       OPTIONS { indexConfig: { \`fulltext.analyzer\`: 'english' } }`,
    ],
  },
  {
    id: "0004_complexity_rank_index",
    statements: ["CREATE INDEX complexity_rank IF NOT EXISTS FOR (c:Complexity) ON (c.rank)"],
  },
];
