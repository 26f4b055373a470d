import { describe, expect, it } from "vitest";
import { RELEASE_STATES } from "../../src/domain/release.js";
import { describeVoteChange, parseChoice, validateVote } from "../../src/domain/votes.js";
import { INPUT_LIMITS } from "../../src/domain/limits.js";
import { makeRelease, policy, userError, vote } from "./fixtures.js";

describe("reading a vote choice", () => {
  it.each([
    ["go", "go"],
    ["GO", "go"],
    ["yes", "go"],
    ["no-go", "no_go"],
    ["NO-GO", "no_go"],
    ["nogo", "no_go"],
    ["no_go", "no_go"],
    ["no", "no_go"],
    ["abstain", "abstain"],
    ["Abstain", "abstain"],
  ])("reads %s as %s", (word, choice) => {
    expect(parseChoice(word)).toBe(choice);
  });

  it.each(["maybe", "", "goo", "lgtm", "__proto__", "constructor", "toString"])("refuses %j and shows the three choices with an example", (word) => {
    userError(() => parseChoice(word), "vote_choice", "go, no-go or abstain", "/release vote R-1 no-go");
  });

  it("refuses a missing choice", () => {
    userError(() => parseChoice(undefined), "vote_choice", "go, no-go or abstain");
  });
});

describe("validating a vote", () => {
  const release = makeRelease({ id: "R-4" });

  it("accepts a GO without a reason", () => {
    expect(validateVote(release, "go", null, policy())).toBeNull();
  });

  it("accepts an abstention without a reason", () => {
    expect(validateVote(release, "abstain", null, policy())).toBeNull();
  });

  it("refuses a no-go without a reason and shows how to give one", () => {
    userError(() => validateVote(release, "no_go", null, policy()), "no_go_reason", "needs a reason", "/release vote R-4 no-go migration not tested");
  });

  it("treats a reason of only spaces as no reason", () => {
    const err = userError(() => validateVote(release, "no_go", "   \t ", policy()), "no_go_reason");
    expect(err.field).toBe("reason");
  });

  it("accepts a no-go with a reason and trims it", () => {
    expect(validateVote(release, "no_go", "  migration not tested  ", policy())).toBe("migration not tested");
  });

  it("accepts a no-go without a reason when the policy makes the reason optional", () => {
    expect(validateVote(release, "no_go", null, policy({ noGoReason: "optional" }))).toBeNull();
  });

  it("turns an empty reason into no reason", () => {
    expect(validateVote(release, "go", "  ", policy())).toBeNull();
  });

  it(`accepts a reason of exactly ${INPUT_LIMITS.voteReason.max} characters`, () => {
    const reason = "x".repeat(INPUT_LIMITS.voteReason.max);
    expect(validateVote(release, "no_go", reason, policy())).toBe(reason);
  });

  it("refuses a reason that is too long and says how long it may be and how long it is", () => {
    const err = userError(() => validateVote(release, "no_go", "y".repeat(INPUT_LIMITS.voteReason.max + 1), policy()), "too_long", String(INPUT_LIMITS.voteReason.max), `yours has ${INPUT_LIMITS.voteReason.max + 1}`);
    expect(err.field).toBe("reason");
  });

  it("measures the reason after trimming the spaces around it", () => {
    const padded = `   ${"z".repeat(INPUT_LIMITS.voteReason.max)}   `;
    expect(validateVote(release, "go", padded, policy())).toBe("z".repeat(INPUT_LIMITS.voteReason.max));
  });

  it("limits the reason on GO votes too", () => {
    userError(() => validateVote(release, "go", "g".repeat(INPUT_LIMITS.voteReason.max + 1), policy()), "too_long");
  });

  it("keeps accepting votes while a release is on hold", () => {
    expect(validateVote(makeRelease({ state: "held" }), "go", null, policy())).toBeNull();
  });

  for (const state of RELEASE_STATES.filter((s) => s !== "voting" && s !== "held")) {
    it(`closes voting on a ${state} release and points to the status`, () => {
      const r = makeRelease({ id: "R-9", state });
      userError(() => validateVote(r, "go", null, policy()), "votes_closed", "R-9", "voting is closed", "/release status R-9");
    });
  }

  it("says voting is closed before complaining about a missing reason", () => {
    userError(() => validateVote(makeRelease({ state: "shipped" }), "no_go", null, policy()), "votes_closed");
  });
});

describe("describing a vote change", () => {
  it("calls a first vote cast", () => {
    expect(describeVoteChange(undefined, "go")).toBe("cast");
  });

  it("calls a different choice a change", () => {
    expect(describeVoteChange(vote("bob", "go"), "no_go")).toBe("changed");
    expect(describeVoteChange(vote("bob", "no_go", { reason: "x" }), "abstain")).toBe("changed");
  });

  it("calls the same choice again unchanged", () => {
    expect(describeVoteChange(vote("bob", "abstain"), "abstain")).toBe("unchanged");
  });
});
