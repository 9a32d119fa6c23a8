import { defineConfig } from "drizzle-kit";

// Migrations are generated from the schema files and committed (never `push`).
export default defineConfig({
  dialect: "postgresql",
  schema: "./server/src/platform/db/schema/index.ts",
  out: "./server/drizzle",
});
