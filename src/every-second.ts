import { schedule } from "node-cron";

/** A node-cron tick every second, the job runner's safety net beside its armed timer. */
export function everySecond(fn: () => void): { stop(): void | Promise<void> } {
  const task = schedule("* * * * * *", fn, { noOverlap: true, name: "gonogo-jobs" });
  return { stop: () => task.destroy() };
}
