import { afterEach, describe, expect, it } from "vitest";
import { admins, channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import type { Reply } from "../../src/app/views.js";

/** Counts in what people read say "1 event", not "1 events". */

let core: TestCore;
afterEach(async () => core?.close());
const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const text = (r: Reply) => (r.type === "message" ? r.text : r.type);

describe("one of a thing is said in the singular", () => {
  it("in the audit export and the chain check of a trail of one event", async () => {
    core = createTestCore({ config: { admins: admins("terminal:admin") } });
    await say("alice", "create payments 1.4.2");
    expect(text(await say("admin", "audit export"))).toMatch(/^Audit export: 1 event from /);
    expect(text(await say("admin", "audit export R-1"))).toMatch(/^Audit export of R-1: 1 event from /);
    expect(text(await say("admin", "audit verify"))).toMatch(/^Audit trail intact: 1 event, every link verified\./);
  });

  it("in a timeline with one event more than it shows", async () => {
    core = createTestCore({ config: { admins: admins("terminal:admin") } });
    await say("alice", "create payments 1.4.2");
    // 60 events shown, 61 in all: votes changed back and forth.
    for (let i = 0; i < 60; i++) await say("bob", `vote R-1 ${i % 2 === 0 ? "go" : "abstain"}`);
    expect(text(await say("alice", "audit R-1"))).toContain("(1 earlier event: `/release audit export R-1` has them all)");
  });

  it("in how long a web link lasts, set to one minute", async () => {
    core = createTestCore({ config: { web: { publicUrl: "https://gonogo.example.com", secret: "s".repeat(40), token: undefined, linkTtlMs: 60_000 } } });
    expect(text(await say("alice", "web"))).toContain("works for 1 minute;");
  });
});
