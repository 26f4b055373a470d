import { execSync } from "node:child_process";

/** `npm run build` once before any test file runs: the program tests spawn dist/main.js. */
export default function setup(): void {
  execSync("npm run build --silent", { stdio: "inherit" });
}
