import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member } from "../../fakes/discord-fixtures.js";
import { startHarness, type Harness } from "./harness.js";

/**
 * The core's command hints reach a Discord user in the one form Discord lets them type: the
 * subcommand and its named options (`/release lock action:unlock service:payments …`), not the
 * typed grammar of Slack and the terminal, which has no `/release unlock` on Discord.
 */
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const UNLOCK_HINT = "`/release lock action:unlock service:payments environment:production reason:<text>`";

describe("command hints on Discord", () => {
  it("tells a release's manager how to lift the lock that refuses the ship, in Discord's option syntax", async () => {
    const locked = await h.command(h.admin, "lock", { action: "lock", service: "payments", reason: "incident 42" });
    expect(locked.data.content).toContain(`until ${UNLOCK_HINT}`);

    await h.command(h.admin, "create", { service: "payments", version: "1.4.2", when: "in 2h" });
    for (const voter of [member(2), member(3)]) await h.command(voter, "vote", { id: "R-1", choice: "go" });
    const refused = await h.command(h.admin, "ship", { id: "R-1" });
    expect(refused.data.content).toBe(`R-1 cannot ship: payments production is locked by Member 0: incident 42. It stays locked until a release-manager or an admin lifts it with ${UNLOCK_HINT}.`);
    expect(refused.data.content).not.toContain("/release unlock");
  });

  it("points an unlock of something not locked at the lock list as Discord spells it", async () => {
    const refused = await h.command(h.admin, "lock", { action: "unlock", service: "search", reason: "done" });
    expect(refused.data.content).toBe("search production is not locked. `/release lock action:list` lists the locks.");
  });

  it("shows the criteria's hints with each value in its option and the placeholders kept", async () => {
    await h.command(h.admin, "criteria", { set: "tests:qa, changelog" });
    const shown = await h.command(member(2), "criteria");
    expect(shown.data.content).toContain("Set with `/release criteria set:tests:qa, changelog`; tick with `/release check id:<id> criterion:<criterion> result:pass|fail [note]`.");
  });

  it("asks for who and which role with each option named once", async () => {
    const refused = await h.command(h.admin, "role", { action: "grant", role: "qa" });
    expect(refused.data.content).toBe("Say who and which role, e.g. `/release role action:grant who:@QA role:qa`.");
  });

  it("says what a release can do next as commands a Discord user can type, not bare words", async () => {
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2" });
    for (const voter of [member(2), member(3)]) await h.command(voter, "vote", { id: "R-1", choice: "go" });
    await h.command(h.admin, "ship", { id: "R-1" });
    await h.command(h.admin, "shipped", { id: "R-1" });
    const again = await h.command(h.admin, "shipped", { id: "R-1" });
    expect(again.data.content).toBe("R-1 is shipped, so it cannot be marked shipped. From here it can be rolled back (`/release rollback id:R-1 reason:<reason>`) or closed, by itself when its retro window ends.");
  });

  it("says how to undo a link, and to link, as Discord spells them (there is no /release unlink on Discord)", async () => {
    const asked = await h.command(member(2), "link");
    const code = /link code is `([A-Z0-9]{4}-[A-Z0-9]{4})`/.exec(asked.data.content ?? "")?.[1];
    expect(code).toBeDefined();
    const linked = await h.command(member(3), "link", { code: code! });
    expect(linked.data.content).toContain("`/release link action:unlink` undoes it.");
    expect(linked.data.content).not.toContain("/release unlink");
    await h.command(member(3), "link", { action: "unlink" });
    const again = await h.command(member(3), "link", { action: "unlink" });
    expect(again.data.content).toBe("This account is not linked to another. `/release link` gives a code to link it to your account on Slack or Discord.");
  });
});
