import { resolve } from "node:path";

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, "../..");

/** How `npm start` runs the program once built (test/global-setup.ts builds dist/ before the tests). */
export const PROGRAM_ARGS = ["--enable-source-maps", "dist/main.js"];
