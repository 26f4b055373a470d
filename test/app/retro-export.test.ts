import { afterEach, describe, expect, it } from "vitest";
import type { Reply } from "../../src/app/views.js";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";

const HOUR = 3_600_000;
let core: TestCore;
afterEach(async () => core?.close());

function setup() {
  core = createTestCore();
  core.bot.attachSurface(createRecordingSurface().surface);
  const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
  const submit = (who: string, values: Record<string, string>) => core.bot.handle({ kind: "form", actor: person(who), channel, form: "retro", releaseId: "R-1", values });
  return { say, submit };
}

const message = (r: Reply) => {
  if (r.type !== "message") throw new Error(`not a message: ${r.type}`);
  return r;
};

describe("the whole retro, for anyone", () => {
  it("sends every answer whole as a file to whoever asks, and the shortened list in chat points to it instead of an admin-only export", async () => {
    const { say, submit } = setup();
    await say("alice", "create payments 1.4.2");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await say("alice", "ship R-1");
    await say("alice", "shipped R-1");
    core.clock.advance(24 * HOUR);
    await core.bot.runDueJobs();
    const long = `the canary ${"ran long ".repeat(100)}end`;
    await submit("bob", { went_well: long, went_badly: "", action_items: "@dana add canary alerts" });
    for (let i = 1; i <= 12; i++) await submit(`dev${i}`, { went_well: `calm rollout ${i}`, went_badly: `late QA ${i}`, action_items: `@dev${i} write the runbook part ${i}` });

    const shown = message(await say("erin", "retro R-1 show"));
    expect(shown.groups?.whereAll).toBe("Read them all, whole, in a file: `/release retro R-1 export`.");

    const exported = message(await say("erin", "retro R-1 export"));
    expect(exported.error).toBe(false);
    expect(exported.text).toBe("Retro of R-1 (payments 1.4.2 → production): 13 answers, every line whole, in gonogo-retro-R-1.md.");
    expect(exported.files?.map((f) => [f.name, f.contentType])).toEqual([["gonogo-retro-R-1.md", "text/markdown"]]);
    const file = exported.files![0]!.content;
    expect(file).toContain("# Retro of R-1: payments 1.4.2 → production\n");
    expect(file).toContain(`## What went well\n\n- ${long} (bob)\n`);
    expect(file).toContain("- late QA 12 (dev12)\n");
    expect(file).toContain("## Action items\n\n- @dana add canary alerts (bob)\n");
    // `retro export R-1` reads the same, as `retro show R-1` does.
    expect(message(await say("erin", "retro export R-1")).files?.[0]?.content).toBe(file);
  });

  it("says there is nothing to export before the retro opens, and what opens it", async () => {
    const { say } = setup();
    await say("alice", "create payments 1.4.2");
    expect(await say("bob", "retro R-1 export")).toMatchObject({ error: true, text: "R-1 has no retro yet: it opens after the release is shipped or rolled back." });
  });
});
