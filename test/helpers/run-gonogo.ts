import { spawn } from "node:child_process";
import { PROGRAM_ARGS, ROOT } from "./program.js";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm start`'s program as a real process, feeding `input` through a pipe; `nodeArgs` go to node before the program. */
export function runGonogo(input: string, env: Record<string, string>, nodeArgs: readonly string[] = []): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...PROGRAM_ARGS], {
      cwd: ROOT,
      // Only what the test gives (plus PATH): no Slack or Discord settings leak in.
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "warn", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
