import { afterEach, describe, expect, it } from "vitest";
import type { Reply } from "../../src/app/views.js";
import { admins, channel, createTestCore, person, type TestCore } from "../helpers/core.js";

let core: TestCore;
afterEach(async () => core?.close());

const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const text = (r: Reply) => (r.type === "message" ? r.text : "");
const quorumNow = async () => text(await say("alice", "policy")).match(/quorum=(\d+)/)?.[1];

describe("/release policy set quorum through the door", () => {
  it("refuses quorum=0, says why and what a channel that wants no vote can do, and keeps the quorum", async () => {
    core = createTestCore();
    const reply = await say("admin", "policy set quorum=0");
    expect(reply.type === "message" && reply.error).toBe(true);
    expect(text(reply)).toContain("`quorum=0` is not valid: quorum takes a whole number from 1 to 100");
    expect(text(reply)).toContain("a channel that wants no vote can turn the bot off");
    expect(await quorumNow()).toBe("2");
  });

  it.each(["0x10", "1e3", "1e1", "2.0", "+2", "101"])("refuses quorum=%s and states the range, changing nothing", async (value) => {
    core = createTestCore();
    const reply = await say("admin", `policy set quorum=${value} veto=off`);
    expect(reply.type === "message" && reply.error).toBe(true);
    expect(text(reply)).toContain(`\`quorum=${value}\` is not valid: quorum takes a whole number from 1 to 100`);
    expect(await quorumNow()).toBe("2");
    expect(text(await say("alice", "policy"))).toContain("veto=on");
  });

  it("takes plain digits", async () => {
    core = createTestCore();
    await say("admin", "policy set quorum=1");
    expect(await quorumNow()).toBe("1");
  });

  it("does not let a release reach GO with nobody voting when the quorum is asked to be 0", async () => {
    core = createTestCore();
    await say("admin", "policy set quorum=0");
    await say("alice", "create api 2.0.0");
    const status = await say("bob", "status R-1");
    expect(status.type === "message" && status.cards[0]?.decisionLine).not.toBe("GO");
  });
});

describe("a policy change reaches the channel's open releases", () => {
  it("replans their reminders at the new offsets and shows their times in the new zone", async () => {
    core = createTestCore({ config: { admins: admins("terminal:alice") } });
    await say("alice", "create payments 1.4.2 at in 2h");
    const reply = text(await say("alice", "policy set reminders=30m,0m timezone=Europe/Berlin"));
    expect(reply).toContain("Open releases here follow at once: R-1.");
    const jobs = (await core.store.listPendingJobs("R-1")).filter((j) => j.kind === "reminder" || j.kind === "t0");
    expect(jobs.map((j) => j.key)).toContain("reminder:30");
    expect(jobs.map((j) => j.key)).not.toContain("reminder:60");
    expect((await core.store.getRelease("R-1"))?.timezone).toBe("Europe/Berlin");
    expect(text(await say("bob", "status R-1"))).not.toContain("(UTC)");
  });
});

describe("/release policy set timezone", () => {
  it("refuses an abbreviation such as EST (one fixed offset: a New York team would ship an hour late all summer) and takes the IANA name", async () => {
    core = createTestCore({ config: { admins: admins("terminal:alice") } });
    for (const zone of ["EST", "PST", "CET"]) {
      const refused = text(await say("alice", `policy set timezone=${zone}`));
      expect(refused).toContain("an IANA zone such as Europe/Berlin or America/New_York (an abbreviation such as EST or PST is one fixed offset, without summer time)");
    }
    expect(text(await say("alice", "policy set timezone=America/New_York"))).toContain("Policy updated");
    await say("alice", "create est 1.0 at tomorrow 09:00");
    expect((await core.store.getRelease("R-1"))?.timezone).toBe("America/New_York");
  });
});
