import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * A full garbage collection for the lull after a vote storm, so the next storm does not
 * pay for the last one.
 *
 * Why: every press leaves some garbage in V8's old generation (objects that lived across
 * a young collection, much of it the framework's request handling). Left alone, V8 collects it
 * with a major GC when the old generation reaches its limit, and that point fell inside
 * about every second storm: 10-16 ms of marking steps plus a 3-8 ms pause, and the
 * slowest presses of the storm queued behind it (the Slack storm's ack p99 was 1.5-2.8× a
 * bare Bolt app's). Collected in the lull instead (20-30 ms while no one is waiting), the
 * next storm starts with the whole headroom and runs without a major GC. V8's memory
 * reducer does the same on its own, but only after 8 s of quiet.
 *
 * `gc` is taken from a fresh context, so the program's own global scope never gets a `gc`.
 */
export function createIdleCollector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}
