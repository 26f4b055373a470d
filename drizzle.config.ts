import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  // What gonogo records, and the tables that carry its work (jobs, claims, leases, the outbox).
  schema: ["./db/schema.ts", "./db/work-schema.ts"],
  out: "./db/migrations",
});
