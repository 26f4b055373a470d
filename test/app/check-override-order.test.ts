import { afterEach, describe, expect, it } from "vitest";
import { admins, channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import type { Reply } from "../../src/app/views.js";

/** `/release check R-1 tests pass override` with no reason: whoever may not override hears that first. */

let core: TestCore;
afterEach(async () => core?.close());
const say = (who: string, line: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text: line });
const text = (r: Reply) => (r.type === "message" ? r.text : r.type);

/** R-1 whose `tests` (ticked by qa, held by quinn) CI reported failed; `changelog` is ticked by hand. */
async function ciFailedTests() {
  core = createTestCore({ config: { quorum: 1, admins: admins("terminal:admin") } });
  await say("admin", "criteria set tests:qa, changelog");
  await say("admin", "role grant quinn qa");
  await say("mia", "create payments 1.4.2");
  await core.bot.handleHook({ kind: "check", signature: "sig-1", report: { release: "R-1", check: "tests", status: "failed", url: "https://ci.example/run/9" } });
}

describe("check … override without a reason", () => {
  it("tells someone who is not an admin that only admins may override, instead of asking them for a reason first", async () => {
    await ciFailedTests();
    for (const who of ["quinn", "mia"]) {
      const r = await say(who, "check R-1 tests pass override");
      expect(r).toMatchObject({ error: true, text: "Only an admin may override what CI reported for tests on R-1." });
    }
    expect((await core.store.listCriteria("R-1"))[0]).toMatchObject({ name: "tests", status: "failed", source: "ci" });
  });

  it("tells someone overriding what CI never reported that there is nothing to override, not to give a reason", async () => {
    await ciFailedTests();
    const r = await say("mia", "check R-1 changelog pass override");
    expect(text(r)).toBe("CI has not reported changelog on R-1, so there is nothing to override: `/release check R-1 changelog pass [note]`.");
  });

  it("asks an admin for the reason, and changes nothing", async () => {
    await ciFailedTests();
    const r = await say("admin", "check R-1 tests pass override");
    expect(r).toMatchObject({ error: true, text: "An override needs a reason everyone can read, e.g. `/release check R-1 tests pass override CI runner down, verified by hand`." });
    expect((await core.store.listCriteria("R-1"))[0]).toMatchObject({ name: "tests", status: "failed", source: "ci" });
    expect((await core.store.listAudit("R-1")).map((e) => e.type)).not.toContain("criterion_overridden");
  });
});
