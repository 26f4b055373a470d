import type { CardView, VoteLine } from "../../src/app/views.js";

/** A CardView as the core builds it, for render tests that need no database. */
export function cardView(over: Partial<CardView> = {}): CardView {
  return {
    releaseId: "R-7",
    title: "payments 1.4.2 → production",
    service: "payments",
    version: "1.4.2",
    environment: "production",
    description: "https://git.example.com/payments/compare/1.4.1...1.4.2",
    state: "voting",
    stateLabel: "Voting",
    managerId: "discord:1187331275440648213:1187400000000000000",
    managerName: "Member 0",
    decision: "pending",
    decisionLine: "Pending: 1 of 2 GO · waiting for qa",
    alsoPendingLine: null,
    pendingReasons: ["1 of 2 GO", "waiting for qa"],
    tally: { go: 1, noGo: 0, abstain: 0 },
    votes: [{ voterId: "discord:1187331275440648213:1187400000000007919", voterName: "Member 1", choice: "go", reason: null }],
    scheduledAt: Date.UTC(2030, 0, 15, 14, 0),
    scheduledText: "2030-01-15 14:00 UTC",
    timezone: "UTC",
    countdownLine: "T-0 in 5h · next reminder T-60m",
    nextReminder: "T-60m",
    notes: [],
    buttons: [
      { action: "go", label: "Go", style: "primary" },
      { action: "no_go", label: "No-go", style: "danger" },
      { action: "abstain", label: "Abstain", style: "default" },
    ],
    criteria: [],
    tickable: [],
    resolved: false,
    fallbackText: "R-7 payments 1.4.2 → production: Pending",
    ...over,
  };
}

/** `n` voters with long names and reasons: the worst case a busy release produces. */
export function manyVotes(n: number): VoteLine[] {
  return Array.from({ length: n }, (_, i) => ({
    voterId: `discord:1187331275440648213:${1187400000000000000n + BigInt(i)}`,
    voterName: `A Rather Long Display Name Number ${i}`,
    choice: i % 10 === 0 ? "no_go" : i % 7 === 0 ? "abstain" : "go",
    reason: i % 10 === 0 ? `the migration for shard ${i} has not been rehearsed on staging and the dashboards are still red`.repeat(3) : null,
  }));
}
