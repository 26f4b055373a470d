import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import type { Reply } from "../../src/app/views.js";

/** `/release ship R-1 override` with no reason: who may override hears first whether they may. */

let core: TestCore;
afterEach(async () => core?.close());
const say = (who: string, line: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text: line });
const text = (r: Reply) => (r.type === "message" ? r.text : r.type);

/** A GO R-1 inside a freeze; `rel` is a release-manager. */
async function frozenGoRelease() {
  core = createTestCore({ now: Date.UTC(2030, 0, 15, 9) });
  await say("admin", "role grant rel release-manager");
  await say("rel", "freeze add now until in 3h reason incident 42");
  await say("alice", "create payments 1.4.2");
  await say("bob", "vote R-1 go");
  await say("carol", "vote R-1 go");
}

describe("ship override without a reason", () => {
  it("tells someone who may not override so, instead of asking them for a reason first", async () => {
    await frozenGoRelease();
    const r = await say("bob", "ship R-1 override");
    expect(r).toMatchObject({ error: true });
    expect(text(r)).toContain("Only release-managers and admins may ship inside a freeze");
    expect(text(r)).not.toContain("Say why");
    expect((await core.store.getRelease("R-1"))?.state).toBe("voting");
  });

  it("asks someone who may override for the reason, and ships nothing", async () => {
    await frozenGoRelease();
    const r = await say("rel", "ship R-1 override");
    expect(r).toMatchObject({ error: true, text: "Say why it must ship inside the freeze: `/release ship R-1 override hotfix for incident 42`." });
    expect((await core.store.getRelease("R-1"))?.state).toBe("voting");
  });
});
