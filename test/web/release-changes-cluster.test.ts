import { describe, expect, it } from "vitest";
import type { Cluster, ClusterSignal } from "../../src/app/cluster.js";
import { CLUSTER_GATHER_MS, createReleaseChanges, type ReleaseChanges } from "../../src/app/release-changes.js";
import { createFakeTime, T0 } from "../helpers/core.js";

/** Instances on one in-memory bus, as on PostgreSQL NOTIFY: each signal reaches every other instance, never its sender. */
function bus() {
  const members: Array<{ id: string; fns: Array<(s: ClusterSignal) => void> }> = [];
  const sent: Array<{ from: string; signal: ClusterSignal }> = [];
  const join = (id: string): Cluster => {
    const member = { id, fns: [] as Array<(s: ClusterSignal) => void> };
    members.push(member);
    return {
      instanceId: id,
      publish(signal) {
        sent.push({ from: id, signal });
        for (const m of members) if (m !== member) for (const fn of m.fns) fn(signal);
      },
      subscribe: (fn) => void member.fns.push(fn),
    };
  };
  return { join, sent };
}

const rethrow = (err: unknown) => {
  throw err;
};

const turn = () => new Promise<void>((r) => queueMicrotask(r));

function instances() {
  const time = createFakeTime(T0);
  const net = bus();
  const make = (id: string) => {
    const changes = createReleaseChanges({ onListenerError: rethrow, cluster: net.join(id), timer: time.timer });
    const heard: string[] = [];
    changes.subscribe((releaseId) => heard.push(releaseId));
    return { changes, heard };
  };
  return { time, sent: net.sent, a: make("A"), b: make("B") };
}

const releaseSignals = (sent: Array<{ from: string; signal: ClusterSignal }>) => sent.flatMap(({ signal }) => (signal.type === "release" ? [signal.releaseIds] : []));

describe("release changes across instances", () => {
  it("a change committed on B is heard on A, and once on B (its own is not echoed back)", async () => {
    const { a, b } = instances();
    b.changes.publish("R-1");
    expect(b.heard).toEqual(["R-1"]); // at once where it was committed
    await turn();
    expect(a.heard).toEqual(["R-1"]);
    expect(b.heard).toEqual(["R-1"]);
  });

  it("the ids one commit changed go out together, in one signal", async () => {
    const { a, b, sent } = instances();
    b.changes.publish("R-1");
    b.changes.publish("R-2");
    await turn();
    expect(releaseSignals(sent)).toEqual([["R-1", "R-2"]]);
    expect(a.heard).toEqual(["R-1", "R-2"]);
  });

  it("a 600-vote storm over a second sends one signal per 250 ms, not one per vote, and the last vote still goes out", async () => {
    const { a, b, time, sent } = instances();
    for (let vote = 0; vote < 600; vote++) {
      b.changes.publish("R-1");
      await turn();
      time.advance(1000 / 600);
    }
    expect(b.heard).toHaveLength(600);
    expect(new Set(a.heard)).toEqual(new Set(["R-1"]));
    // The first at once, then one at the end of each window that saw a change.
    expect(releaseSignals(sent).length).toBeLessThanOrEqual(1 + Math.ceil(1000 / CLUSTER_GATHER_MS));
    // A change during the open window waits for its end, and is not lost.
    b.changes.publish("R-2");
    await turn();
    expect(a.heard).not.toContain("R-2");
    time.advance(CLUSTER_GATHER_MS);
    expect(a.heard.at(-1)).toBe("R-2");
    const count = releaseSignals(sent).length;
    expect(count).toBeLessThanOrEqual(2 + Math.ceil(1000 / CLUSTER_GATHER_MS));
    // Quiet again: nothing more goes out, and no timer is left waiting.
    time.advance(10 * CLUSTER_GATHER_MS);
    expect(releaseSignals(sent)).toHaveLength(count);
    expect(time.pending()).toBe(0);
  });

  it("a change during the window is not lost when the instance stops before the window ends", async () => {
    const { a, b, time } = instances();
    b.changes.publish("R-1");
    await turn();
    b.changes.publish("R-2");
    b.changes.stop();
    expect(a.heard).toEqual(["R-1", "R-2"]);
    expect(time.pending()).toBe(0);
  });

  it("many releases changed at once go out in several signals, each well under PostgreSQL's 8000-byte NOTIFY limit", async () => {
    const { a, b, sent } = instances();
    const ids = Array.from({ length: 450 }, (_, i) => `R-${999_999_000 + i}`);
    for (const id of ids) b.changes.publish(id);
    await turn();
    expect(a.heard).toEqual(ids);
    expect(sent.length).toBeGreaterThan(1);
    for (const { signal } of sent) expect(Buffer.byteLength(JSON.stringify({ from: "x".repeat(64), signal }))).toBeLessThan(8000);
    expect(sent.every(({ from }) => from === "B")).toBe(true);
  });

  it("on one process (no cluster) changes stay in-process and nothing waits on a timer", () => {
    const time = createFakeTime(T0);
    const changes: ReleaseChanges = createReleaseChanges({ onListenerError: () => {}, timer: time.timer });
    const heard: string[] = [];
    changes.subscribe((id) => heard.push(id));
    changes.publish("R-1");
    changes.publish("R-1");
    expect(heard).toEqual(["R-1", "R-1"]);
    expect(time.pending()).toBe(0);
  });
});
