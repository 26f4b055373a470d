import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member, slashCommand } from "../../fakes/discord-fixtures.js";
import { focusedOption, interactionPayloadSchema } from "../../adapters/discord/payload.js";
import { CALLBACK, startHarness, type Harness } from "./harness.js";

/** `/release check id:R-1 criterion:` suggests that release's criteria, with where each stands. */
describe("Discord: criterion names autocomplete in /release check", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await h.command(h.admin, "criteria", { set: "tests:qa, rollback-plan, changelog" });
    await h.command(member(1), "create", { service: "payments", version: "1.4.2" });
    await h.command(member(1), "check", { id: "R-1", criterion: "changelog", result: "pass" });
  });
  afterEach(async () => {
    await h.close();
  });

  const offered = async (options: Record<string, string>): Promise<unknown> => {
    const raw = slashCommand({ world: h.fake.world, user: member(3) }, "check", options, "autocomplete", "criterion");
    const cb = await h.fake.callbackFor(h.fake.dispatchInteraction(raw).id);
    expect(cb.body.type).toBe(CALLBACK.autocomplete);
    return cb.body.data.choices;
  };

  it("offers the criteria of the release named in id, each with its status, those matching what was typed", async () => {
    expect(await offered({ id: "R-1", criterion: "" })).toEqual([
      { name: "tests · pending", value: "tests" },
      { name: "rollback-plan · pending", value: "rollback-plan" },
      { name: "changelog · passed", value: "changelog" },
    ]);
    expect(await offered({ id: "r1", criterion: "LOG" })).toEqual([{ name: "changelog · passed", value: "changelog" }]);
  });

  it("offers nothing before a release is chosen, or for one it does not know", async () => {
    expect(await offered({ criterion: "" })).toEqual([]);
    expect(await offered({ id: "R-9", criterion: "" })).toEqual([]);
  });

  it("reads the release id beside the focused criterion from an interaction POSTed to the endpoint, as the gateway does", () => {
    const raw = slashCommand({ world: h.fake.world, user: member(3) }, "check", { id: "R-1", criterion: "te" }, "autocomplete", "criterion");
    expect(focusedOption(interactionPayloadSchema.parse(raw))).toEqual({ name: "criterion", value: "te", subcommand: "check", releaseId: "R-1" });
  });
});
