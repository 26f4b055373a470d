import { describe, expect, it } from "vitest";
import { buildCard, type CardInput } from "../../src/app/card.js";
import type { Job, RetroAnswer } from "../../src/app/store.js";
import { decide } from "../../src/domain/decision.js";
import { RELEASE_STATES, type ReleaseState } from "../../src/domain/release.js";
import { HOUR, makeRelease, MIN, NOW, policy, vote } from "./fixtures.js";

function card(over: Partial<CardInput> = {}) {
  return buildCard({ release: makeRelease(), votes: [], policy: policy(), pendingJobs: [], retroAnswers: [], now: NOW, ...over });
}

function reminderJob(offsetMin: number, scheduledAt: number): Job {
  return { id: offsetMin, releaseId: "R-1", kind: "reminder", key: `reminder:${offsetMin}`, dueAt: scheduledAt - offsetMin * MIN, payload: { offsetMin, scheduledAt }, attempts: 0 };
}

function answer(author: string, actionItems: string): RetroAnswer {
  return { releaseId: "R-1", author: `terminal:${author}`, authorName: author, wentWell: "fast", wentBadly: "", actionItems, at: NOW };
}

const buttonsIn = (state: ReleaseState, retroOpenedAt: number | null = null) => card({ release: makeRelease({ state, retroOpenedAt }) }).buttons.map((b) => b.action);

describe("the release card", () => {
  it("titles the release service version → environment", () => {
    const c = card({ release: makeRelease({ service: "api", version: "2.0.0", environment: "staging" }) });
    expect(c.title).toBe("api 2.0.0 → staging");
    expect(c.fallbackText.split("\n")[0]).toBe("R-1 api 2.0.0 → staging [Voting]");
  });

  it("shows the decision and why it is pending", () => {
    const c = card({ votes: [vote("bob", "go")], policy: policy({ require: ["security"] }) });
    expect(c.decision).toBe("pending");
    expect(c.pendingReasons).toEqual(["1 of 2 GO", "waiting for security"]);
    expect(c.decisionLine).toBe("Pending: 1 of 2 GO · waiting for security");
    expect(c.fallbackText).toContain("Decision: Pending: 1 of 2 GO · waiting for security");
  });

  it("shows who blocks and why", () => {
    const c = card({ votes: [vote("bob", "go"), vote("dave", "no_go", { reason: "migration not tested" })] });
    expect(c.decision).toBe("no_go");
    expect(c.decisionLine).toBe("NO-GO: blocked by no-go from dave: migration not tested");
  });

  it("shows GO with nothing pending", () => {
    const c = card({ votes: [vote("bob", "go"), vote("carol", "go")] });
    expect(c.decisionLine).toBe("GO");
    expect(c.pendingReasons).toEqual([]);
  });

  it("once voting is over, says how it ended in words a later policy change cannot rewrite", () => {
    const votes = [vote("bob", "go"), vote("carol", "go"), vote("dave", "no_go", { reason: "flaky" })];
    const rolledBack = makeRelease({ state: "rolled_back", shippedAt: NOW - HOUR, rollbackRequestedAt: NOW - MIN });
    const then = card({ release: rolledBack, votes, policy: policy({ veto: false }) });
    const now = card({ release: rolledBack, votes, policy: policy({ quorum: 3, require: ["qa"] }) });
    expect(now.decisionLine).toBe("Voting closed: 2 GO · 1 NO-GO · 0 abstain");
    expect({ decision: now.decision, line: now.decisionLine, reasons: now.pendingReasons }).toEqual({ decision: then.decision, line: then.decisionLine, reasons: then.pendingReasons });
    expect(now.decision).toBe("no_go");
    expect(card({ release: makeRelease({ state: "shipped", shippedAt: NOW - HOUR }), votes: votes.slice(0, 2) }).decision).toBe("go");
    const cancelled = card({ release: makeRelease({ state: "cancelled" }) });
    expect({ decision: cancelled.decision, line: cancelled.decisionLine }).toEqual({ decision: "pending", line: "Voting closed: 0 GO · 0 NO-GO · 0 abstain" });
  });

  it("agrees with decide on the same votes and policy", () => {
    const votes = [vote("alice", "go"), vote("bob", "abstain"), vote("carol", "go", { roles: ["qa"] })];
    const p = policy({ selfApproval: false, require: ["qa"] });
    const c = card({ votes, policy: p });
    const d = decide(votes, p, "terminal:alice");
    expect({ decision: c.decision, reasons: c.pendingReasons }).toEqual({ decision: d.decision, reasons: d.reasons });
  });

  it("lists votes by voter with reasons and a tally", () => {
    const c = card({ votes: [vote("bob", "go"), vote("dave", "no_go", { reason: "flaky" }), vote("erin", "abstain")] });
    expect(c.tally).toEqual({ go: 1, noGo: 1, abstain: 1 });
    expect(c.votes.map((v) => `${v.voterName}:${v.choice}`)).toEqual(["bob:go", "dave:no_go", "erin:abstain"]);
    expect(c.fallbackText).toContain("Votes: bob: GO, dave: NO-GO (flaky), erin: abstain");
  });

  it("names the first ten voters in the fallback text and counts the rest, however big the crowd", () => {
    const crowd = Array.from({ length: 3000 }, (_, i) => vote(`voter${i}`, "go"));
    const c = card({ votes: crowd });
    expect(c.fallbackText).toContain("Votes: voter0: GO, voter1: GO,");
    expect(c.fallbackText).toContain("voter9: GO, …and 2990 more");
    expect(c.fallbackText).not.toContain("voter10:");
    expect(c.tally.go).toBe(3000);
  });

  it("says when nobody has voted yet", () => {
    expect(card().fallbackText).toContain("Votes: no votes yet");
  });

  it("offers Go, No-go and Abstain while voting and on hold", () => {
    expect(buttonsIn("voting")).toEqual(["go", "no_go", "abstain"]);
    expect(buttonsIn("held")).toEqual(["go", "no_go", "abstain"]);
  });

  it("offers only Roll back while shipping and once shipped", () => {
    expect(buttonsIn("shipping")).toEqual(["rollback"]);
    expect(buttonsIn("shipped")).toEqual(["rollback"]);
  });

  it("adds Add retro notes once the retro is open", () => {
    expect(buttonsIn("shipped", NOW)).toEqual(["rollback", "retro"]);
    expect(buttonsIn("rolled_back", NOW)).toEqual(["retro"]);
    expect(buttonsIn("rolled_back")).toEqual([]);
  });

  it("has no live buttons once resolved", () => {
    for (const state of ["cancelled", "closed", "rolling_back"] as const) expect(buttonsIn(state)).toEqual([]);
    expect(card({ release: makeRelease({ state: "cancelled" }) }).resolved).toBe(true);
    expect(card({ release: makeRelease({ state: "closed", retroOpenedAt: NOW }) }).resolved).toBe(true);
  });

  it("is resolved exactly when it has no buttons and the release is over", () => {
    for (const state of RELEASE_STATES) {
      const c = card({ release: makeRelease({ state }) });
      if (c.resolved) expect(c.buttons).toEqual([]);
    }
    expect(card({ release: makeRelease({ state: "voting" }) }).resolved).toBe(false);
    expect(card({ release: makeRelease({ state: "shipped" }) }).resolved).toBe(false);
  });

  it("shows the decision in the fallback text only while it can still change", () => {
    expect(card({ release: makeRelease({ state: "held" }) }).fallbackText).toContain("Decision:");
    expect(card({ release: makeRelease({ state: "shipped" }) }).fallbackText).not.toContain("Decision:");
  });

  it("shows the scheduled time in the channel's zone with the countdown and the next reminder", () => {
    const at = NOW + 65 * MIN;
    const c = card({ release: makeRelease({ scheduledAt: at, timezone: "Europe/Berlin" }), pendingJobs: [reminderJob(5, at), reminderJob(15, at)] });
    expect(c.scheduledText).toBe("Tue 15 Jan 2030 11:05 (Europe/Berlin)");
    expect(c.countdownLine).toBe("T-0 in 1h 5m · next reminder T-15m");
    expect(c.fallbackText).toContain("When: Tue 15 Jan 2030 11:05 (Europe/Berlin) (T-0 in 1h 5m · next reminder T-15m)");
  });

  it("has no time lines when unscheduled", () => {
    const c = card();
    expect(c.scheduledText).toBeNull();
    expect(c.countdownLine).toBeNull();
    expect(c.fallbackText).not.toContain("When:");
  });

  it("counts down to no T-0 on a held release, whose T-0 will not run (a line that would also go stale, as a held card is not edited as time passes)", () => {
    const c = card({ release: makeRelease({ state: "held", scheduledAt: NOW - 5 * MIN, stateReason: "T-0 without GO: 1 of 2 GO" }) });
    expect(c.countdownLine).toBe("Countdown stopped: on hold");
    expect(card({ release: makeRelease({ state: "held", scheduledAt: NOW + 60 * MIN, stateReason: "held by alice" }) }).countdownLine).toBe("Countdown stopped: on hold");
    expect(c.notes).toContain("On hold: T-0 without GO: 1 of 2 GO");
  });

  it("notes voided votes, webhook outcomes and why a release was rolled back", () => {
    const c = card({
      release: makeRelease({ state: "rolling_back", stateReason: "rollback by olga: errors", votesVoidedNote: "Version changed to 1.4.3: votes were reset", webhookNote: "Rollback webhook: delivered (200)" }),
    });
    expect(c.notes).toEqual(["Rolling back: rollback by olga: errors", "Version changed to 1.4.3: votes were reset", "Rollback webhook: delivered (200)"]);
    for (const n of c.notes) expect(c.fallbackText).toContain(n);
  });

  it("says on the card when the retro opens, and until when it is open, with no count of nothing", () => {
    const job = (kind: "retro_open" | "retro_close", dueAt: number): Job => ({ id: 1, releaseId: "R-1", kind, key: kind, dueAt, payload: {}, attempts: 0 });
    const due = card({ release: makeRelease({ state: "shipped", timezone: "Europe/Berlin" }), pendingJobs: [job("retro_open", NOW + 24 * HOUR)] });
    expect(due.notes).toEqual(["Retro opens Wed 16 Jan 2030 10:00 (Europe/Berlin)"]);
    const open = card({ release: makeRelease({ state: "shipped", retroOpenedAt: NOW }), pendingJobs: [job("retro_close", NOW + 7 * 24 * HOUR)] });
    expect(open.notes).toEqual(["Retro: no answers yet (open until Tue 22 Jan 2030 09:00 (UTC))"]);
    const answered = card({ release: makeRelease({ state: "shipped", retroOpenedAt: NOW }), pendingJobs: [job("retro_close", NOW + 7 * 24 * HOUR)], retroAnswers: [answer("bob", "x")] });
    expect(answered.notes).toEqual(["Retro: 1 answer, 1 with action items (open until Tue 22 Jan 2030 09:00 (UTC))"]);
  });

  it("summarises the retro answers", () => {
    const c = card({ release: makeRelease({ state: "shipped", retroOpenedAt: NOW - HOUR }), retroAnswers: [answer("bob", "add a canary"), answer("carol", "")] });
    expect(c.notes).toContain("Retro: 2 answers, 1 with action items");
    const closed = card({ release: makeRelease({ state: "closed", retroOpenedAt: NOW - HOUR }), retroAnswers: [answer("bob", "x")] });
    expect(closed.notes).toContain("Retro: 1 answer, 1 with action items (closed)");
  });

  it("is the same card for the same input", () => {
    const input: CardInput = { release: makeRelease({ scheduledAt: NOW + HOUR }), votes: [vote("bob", "go")], policy: policy(), pendingJobs: [], retroAnswers: [], now: NOW };
    expect(buildCard(input)).toEqual(buildCard(structuredClone(input)));
  });
});
