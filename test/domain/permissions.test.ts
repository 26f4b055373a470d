import { describe, expect, it } from "vitest";
import { can, type Action } from "../../src/domain/permissions.js";
import { makeRelease } from "./fixtures.js";

const release = makeRelease({ id: "R-5", managerId: "terminal:alice", managerName: "alice" });
const who = (name: string, ...roles: string[]) => ({ id: `terminal:${name}`, roles });

const manager = who("alice");
const bystander = who("bob");
const qa = who("quinn", "qa");
const oncall = who("olga", "oncall");
const rm = who("rita", "release-manager");
const admin = who("ada", "admin");

const DRIVE: Action[] = ["schedule", "update", "ship", "shipped", "hold", "cancel"];
const ROLLBACK: Action[] = ["rollback", "recovered"];
const ADMIN_ONLY: Action[] = ["policy", "roles"];

describe("who may do what (defaults)", () => {
  it.each(["create", "vote", "retro"] as Action[])("lets anyone in the channel %s", (action) => {
    for (const actor of [bystander, qa, oncall, manager]) expect(can(actor, action, release)).toEqual({ allowed: true });
  });

  it("says the refused action in plain words, the release where it belongs", () => {
    expect(can(bystander, "shipped", release)).toMatchObject({ allowed: false, reason: expect.stringContaining("may mark R-5 as shipped.") });
    expect(can(bystander, "recovered", release)).toMatchObject({ allowed: false, reason: expect.stringContaining("may mark R-5 as recovered.") });
    expect(can(bystander, "hold", release)).toMatchObject({ allowed: false, reason: expect.stringContaining("may hold R-5.") });
  });

  it("lets anyone create a release before there is one", () => {
    expect(can(bystander, "create").allowed).toBe(true);
  });

  for (const action of DRIVE) {
    it(`lets the release manager, a release-manager and an admin ${action}`, () => {
      expect(can(manager, action, release).allowed).toBe(true);
      expect(can(rm, action, release).allowed).toBe(true);
      expect(can(admin, action, release).allowed).toBe(true);
    });

    it(`refuses ${action} to others and names who may`, () => {
      for (const actor of [bystander, qa, oncall]) {
        const p = can(actor, action, release);
        expect(p.allowed).toBe(false);
        expect(p.reason).toContain("alice (the release manager of R-5)");
        expect(p.reason).toContain("a release-manager or an admin");
        expect(p.reason).toContain("R-5");
      }
    });
  }

  it("says in words what was refused", () => {
    expect(can(bystander, "ship", release).reason).toBe("Only alice (the release manager of R-5), a release-manager or an admin may ship R-5.");
    expect(can(bystander, "cancel", release).reason).toContain("may cancel R-5");
    expect(can(bystander, "schedule", release).reason).toContain("may schedule R-5");
  });

  it("does not make someone the manager of a release they did not create", () => {
    const other = makeRelease({ id: "R-6", managerId: "terminal:bob", managerName: "bob" });
    expect(can(manager, "ship", other).allowed).toBe(false);
    expect(can(manager, "ship", other).reason).toContain("bob (the release manager of R-6)");
  });

  for (const action of ROLLBACK) {
    it(`lets the release manager, on-call and admins ${action}`, () => {
      expect(can(manager, action, release).allowed).toBe(true);
      expect(can(oncall, action, release).allowed).toBe(true);
      expect(can(admin, action, release).allowed).toBe(true);
    });

    it(`refuses ${action} to others, names who may and how to get on-call`, () => {
      for (const actor of [bystander, qa]) {
        const p = can(actor, action, release);
        expect(p.allowed).toBe(false);
        expect(p.reason).toContain("on-call");
        expect(p.reason).toContain("the release manager (alice)");
        expect(p.reason).toContain("an admin");
        expect(p.reason).toContain("/release role grant <you> oncall");
      }
    });
  }

  it("does not let on-call drive a release other than rolling it back", () => {
    expect(can(oncall, "ship", release).allowed).toBe(false);
    expect(can(oncall, "cancel", release).allowed).toBe(false);
  });

  for (const action of ADMIN_ONLY) {
    it(`keeps ${action} to admins and tells others how to become one`, () => {
      expect(can(admin, action).allowed).toBe(true);
      for (const actor of [bystander, manager, rm, oncall]) {
        const p = can(actor, action);
        expect(p.allowed).toBe(false);
        expect(p.reason).toContain("Only admins");
        expect(p.reason).toContain(actor.id);
        expect(p.reason).toContain("GONOGO_ADMINS");
      }
    });
  }

  it("lets an admin do everything", () => {
    const all: Action[] = ["create", "vote", "retro", ...DRIVE, ...ROLLBACK, ...ADMIN_ONLY];
    for (const action of all) expect(can(admin, action, release)).toEqual({ allowed: true });
  });

  it("gives every refusal a reason", () => {
    const all: Action[] = ["create", "vote", "retro", ...DRIVE, ...ROLLBACK, ...ADMIN_ONLY];
    for (const action of all) {
      const p = can(bystander, action, release);
      if (!p.allowed) expect(p.reason?.length ?? 0).toBeGreaterThan(20);
    }
  });
});
