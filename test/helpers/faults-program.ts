import { spawn, type ChildProcess } from "node:child_process";
import { PROGRAM_ARGS, ROOT } from "./program.js";

export interface RunningGonogo {
  child: ChildProcess;
  /** The HTTP port the program reported (PORT=0 picks a free one). */
  port: number;
  stderr(): string;
  /** SIGKILL: no shutdown hook runs, exactly like a crash or an OOM kill. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `npm start`'s program (the dist/ build test/global-setup.ts makes) as a real process with only the given
 * environment, and resolves once it logged "gonogo started" (HTTP up, cards reconciled,
 * runner started).
 */
export function startGonogo(env: Record<string, string>, timeoutMs = 20_000, nodeArgs: readonly string[] = []): Promise<RunningGonogo> {
  const child = spawn(process.execPath, [...nodeArgs, ...PROGRAM_ARGS], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "info", GONOGO_TERMINAL: "off", HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`gonogo did not start within ${timeoutMs} ms:\n${err}`));
    }, timeoutMs);
    let ready = false;
    child.once("exit", (code) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`gonogo exited with ${code} before it was ready:\n${err}`));
    });
    child.stderr.on("data", (c: Buffer) => {
      err += c.toString();
      const port = /"port":(\d+)/.exec(err)?.[1];
      if (port && err.includes("gonogo started") && !ready) {
        ready = true;
        clearTimeout(timer);
        resolvePromise({
          child,
          port: Number(port),
          stderr: () => err,
          async kill() {
            if (alive()) child.kill("SIGKILL");
            await exited;
          },
          async stop() {
            if (alive()) child.kill("SIGTERM");
            await exited;
          },
        });
      }
    });
  });
}
