import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import type { Reply } from "../../src/app/views.js";

/** A create whose option word is mistyped is refused naming the word it most likely meant. */

let core: TestCore;
afterEach(async () => core?.close());
const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const text = (r: Reply) => (r.type === "message" || r.type === "form_errors" ? r.text : `form:${r.form.form}`);

describe("create with a mistyped option word", () => {
  it.each([
    ["create payments 1.2.3 at 10:00 envv staging", "env", "at 10:00 env staging"],
    ["create payments 1.2.3 at tomorrow 10:00 mangaer bob", "manager", "at tomorrow 10:00 manager bob"],
    ["create payments 1.2.3 at in 2h dsec fixes login", "desc", "at in 2h desc fixes login"],
  ])("refuses `%s` as an unreadable time that points at `%s`", async (typed, meant, fixed) => {
    core = createTestCore();
    const r = await say("alice", typed);
    expect(r).toMatchObject({ error: true });
    expect(text(r)).toContain("I can't read the time");
    expect(text(r)).toContain(`Did you mean \`${meant}\`? \`/release create payments 1.2.3 ${fixed}\``);
    expect(await core.store.getRelease("R-1")).toBeUndefined();
  });

  it("points at `at` when the word before the time is mistyped", async () => {
    core = createTestCore();
    expect(text(await say("alice", "create payments 1.2.3 att 10:00"))).toContain("I don't understand `att`. Did you mean `at`?");
  });

  it("suggests nothing when the time itself is what is wrong", async () => {
    core = createTestCore();
    const r = text(await say("alice", "create payments 1.2.3 at tomorow 10 am env staging"));
    expect(r).toContain("I can't read the time `tomorow 10 am`");
    expect(r).not.toContain("Did you mean");
  });
});
