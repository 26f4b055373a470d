import { execFileSync } from "node:child_process";

/**
 * Builds dist/ before any test file runs, the way `npm start` does (only when it is missing or
 * older than the sources): the program tests spawn dist/main.js and the operator scripts.
 */
export default function setup(): void {
  execFileSync(process.execPath, ["scripts/build.mjs", "--if-stale"], { stdio: "inherit" });
}
