import { describe, expect, it } from "vitest";
import { acceptsVotes, allowedSteps, isFinal, RELEASE_STATES, transition, type ReleaseState, type ReleaseStep } from "../../src/domain/release.js";
import { userError } from "./fixtures.js";

const STEPS: ReleaseStep[] = ["ship", "shipped", "hold", "reopen", "cancel", "rollback", "recovered", "close"];

/** The lifecycle as the design describes it, written out independently of the code. */
const LEGAL: Record<ReleaseState, Partial<Record<ReleaseStep, ReleaseState>>> = {
  voting: { ship: "shipping", hold: "held", cancel: "cancelled" },
  held: { ship: "shipping", reopen: "voting", cancel: "cancelled" },
  shipping: { shipped: "shipped", rollback: "rolling_back", hold: "held" },
  shipped: { rollback: "rolling_back", close: "closed" },
  rolling_back: { recovered: "rolled_back" },
  rolled_back: { close: "closed" },
  cancelled: {},
  closed: {},
};

/** How each step is named in the "from here you can" part of a refusal. */
const HINT: Record<ReleaseStep, string> = {
  // Shipping needs GO: a refusal on a release still voting or held must not suggest it ships as it is.
  ship: "shipped once GO (`/release ship R-7`)",
  shipped: "marked shipped (`/release shipped R-7`)",
  hold: "held (`/release hold R-7 [reason]`)",
  reopen: "rescheduled, which restarts the countdown",
  cancel: "cancelled (`/release cancel R-7 [reason]`)",
  rollback: "rolled back (`/release rollback R-7 <reason>`)",
  recovered: "marked recovered (`/release recovered R-7`)",
  close: "closed, by itself when its retro window ends",
};

const LABEL: Record<ReleaseState, string> = {
  voting: "voting",
  shipping: "shipping",
  shipped: "shipped",
  rolling_back: "rolling back",
  rolled_back: "rolled back",
  held: "on hold",
  cancelled: "cancelled",
  closed: "closed",
};

describe("release lifecycle", () => {
  it("knows exactly the eight states of the design", () => {
    expect([...RELEASE_STATES].sort()).toEqual(Object.keys(LEGAL).sort());
  });

  for (const state of RELEASE_STATES) {
    for (const step of STEPS) {
      const next = LEGAL[state][step];
      if (next) {
        it(`moves a ${LABEL[state]} release to ${LABEL[next]} on ${step}`, () => {
          expect(transition("R-7", state, step)).toBe(next);
        });
      } else {
        it(`refuses ${step} on a ${LABEL[state]} release and says what is possible now`, () => {
          const err = userError(() => transition("R-7", state, step), "illegal_transition", `R-7 is ${LABEL[state]}`, "cannot");
          const possible = Object.keys(LEGAL[state]) as ReleaseStep[];
          if (possible.length) {
            expect(err.message).toContain("From here it can be ");
            const tail = err.message.slice(err.message.indexOf("From here it can be "));
            for (const p of possible) expect(tail).toContain(HINT[p]);
            for (const other of STEPS.filter((s) => !possible.includes(s) && !possible.some((p) => HINT[p].includes(HINT[s])))) {
              expect(tail).not.toContain(` ${HINT[other]}`);
            }
          } else {
            expect(err.message).toContain("Nothing more can happen to it.");
          }
        });
      }
    }
  }

  it("lists the allowed steps of every state, and nothing else", () => {
    for (const state of RELEASE_STATES) expect([...allowedSteps(state)].sort()).toEqual(Object.keys(LEGAL[state]).sort());
  });

  it("walks the happy path voting → shipping → shipped → closed", () => {
    let s: ReleaseState = "voting";
    for (const step of ["ship", "shipped", "close"] as const) s = transition("R-1", s, step);
    expect(s).toBe("closed");
  });

  it("walks the rollback path shipped → rolling back → rolled back → closed", () => {
    let s: ReleaseState = "shipped";
    for (const step of ["rollback", "recovered", "close"] as const) s = transition("R-1", s, step);
    expect(s).toBe("closed");
  });

  it("lets a held release go back to voting, and then be cancelled", () => {
    const s = transition("R-1", transition("R-1", "held", "reopen"), "cancel");
    expect(s).toBe("cancelled");
  });

  it("refuses a second rollback while one is under way", () => {
    userError(() => transition("R-3", "rolling_back", "rollback"), "illegal_transition", "R-3 is rolling back", "From here it can be marked recovered (`/release recovered R-3`).");
  });

  it("treats only cancelled and closed as final", () => {
    expect(RELEASE_STATES.filter(isFinal).sort()).toEqual(["cancelled", "closed"]);
  });

  it("accepts votes only while voting or on hold", () => {
    expect(RELEASE_STATES.filter(acceptsVotes).sort()).toEqual(["held", "voting"]);
  });
});
