import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import type { Reply } from "../../src/app/views.js";

let core: TestCore;
afterEach(async () => core?.close());

const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const text = (r: Reply) => (r.type === "message" ? r.text : r.type === "form_errors" ? r.text : `form:${r.form.form}`);
const scheduledText = async (id: string) => {
  const r = await say("dave", `status ${id}`);
  return r.type === "message" ? r.cards[0]?.scheduledText : undefined;
};

describe("release times through the door (channel on Europe/Berlin, now 15 Jan 2030)", () => {
  it("creates a release in the hour that happens twice at the first one, and the confirmation says which offset", async () => {
    core = createTestCore({ config: { timezone: "Europe/Berlin" } });
    const created = text(await say("alice", "create payments 1.4.2 at 2030-10-27 02:30"));
    expect(created).toContain("Created R-1");
    expect(created).toContain("T-0 Sun 27 Oct 2030 02:30 (Europe/Berlin, UTC+02:00)");
    expect(created).toContain("02:30 happens twice in Europe/Berlin on Sun 27 Oct 2030 (clocks go back); using the first, UTC+02:00.");
    expect(created).toContain("For the second, write `2030-10-27T02:30+01:00`.");
  });

  it("reschedules into the hour that never happens at the time after the jump, and the confirmation says so", async () => {
    core = createTestCore({ config: { timezone: "Europe/Berlin" } });
    await say("alice", "create payments 1.4.2 at tomorrow 10:00");
    const moved = text(await say("alice", "schedule R-1 2030-03-31 02:30"));
    expect(moved).toContain("R-1 rescheduled for Sun 31 Mar 2030 03:30 (Europe/Berlin)");
    expect(moved).toContain("02:30 does not exist in Europe/Berlin on Sun 31 Mar 2030 (clocks go forward); using 03:30 UTC+02:00.");
  });

  it("says nothing about clocks for an ordinary time", async () => {
    core = createTestCore({ config: { timezone: "Europe/Berlin" } });
    expect(text(await say("alice", "create payments 1.4.2 at tomorrow 10:00"))).not.toContain("clocks");
  });

  it("refuses to create a release more than a year ahead, states the limit, and creates nothing", async () => {
    core = createTestCore({ config: { timezone: "Europe/Berlin" } });
    const refused = await say("alice", "create payments 1.4.2 at in 99999999h");
    expect(refused.type === "message" && refused.error).toBe(true);
    expect(text(refused)).toContain("`in 99999999h` is more than a year ahead");
    expect(text(refused)).toContain("Wed 15 Jan 2031 10:00 (Europe/Berlin) at the latest");
    expect(text(await say("alice", "list"))).toContain("No open releases");
  });

  it("refuses to reschedule more than a year ahead or to a date that does not exist, and keeps the time it had", async () => {
    core = createTestCore({ config: { timezone: "Europe/Berlin" } });
    await say("alice", "create payments 1.4.2 at tomorrow 10:00");
    const before = await scheduledText("R-1");
    expect(text(await say("alice", "schedule R-1 2031-02-01 10:00"))).toContain("more than a year ahead");
    expect(text(await say("alice", "schedule R-1 2030-02-30T10:00Z"))).toContain("`2030-02-30` is not a date: February 2030 has days 01 to 28.");
    expect(await scheduledText("R-1")).toBe(before);
  });
});
