import { defineConfig } from "drizzle-kit";

/** PostgreSQL's schema and migrations (`npm run db:generate` generates both dialects); drizzle.config.ts is SQLite's. */
export default defineConfig({
  dialect: "postgresql",
  schema: ["./db/postgres/schema.ts", "./db/postgres/work-schema.ts"],
  out: "./db/postgres/migrations",
});
