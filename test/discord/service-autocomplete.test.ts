import { ApplicationCommandOptionType } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { releaseCommands } from "../../adapters/discord/commands.js";
import { member, slashCommand } from "../../fakes/discord-fixtures.js";
import { CALLBACK, startHarness, type Harness } from "./harness.js";

/**
 * A service is typed in `/release create`, `lock` and `stats`: a typo ("payment") would make a
 * release no lock on "payments" holds, or numbers of nothing. Discord suggests the services of
 * the releases this server sees, as it suggests release ids; a new name can still be typed.
 */
describe("Discord: service names autocomplete", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const offered = async (sub: string, typed: string): Promise<unknown> => {
    const raw = slashCommand({ world: h.fake.world, user: member(3) }, sub, { service: typed }, "autocomplete", "service");
    const cb = await h.fake.callbackFor(h.fake.dispatchInteraction(raw).id);
    expect(cb.body.type).toBe(CALLBACK.autocomplete);
    return cb.body.data.choices;
  };

  it("offers the services of earlier releases, newest first and once each, those matching what was typed, in create, lock and stats", async () => {
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2" });
    await h.command(h.admin, "create", { service: "search", version: "2.0.0" });
    await h.command(h.admin, "cancel", { id: "R-2", reason: "not needed" });
    await h.command(h.admin, "create", { service: "payments", version: "1.4.3" });
    await h.command(h.admin, "create", { service: "payouts", version: "0.9.0" });
    expect(await offered("create", "")).toEqual([
      { name: "payouts", value: "payouts" },
      { name: "payments", value: "payments" },
      { name: "search", value: "search" },
    ]);
    expect(await offered("create", "PAY")).toEqual([
      { name: "payouts", value: "payouts" },
      { name: "payments", value: "payments" },
    ]);
    expect(await offered("lock", "ments")).toEqual([{ name: "payments", value: "payments" }]);
    expect(await offered("stats", "sea")).toEqual([{ name: "search", value: "search" }]);
    expect(await offered("create", "billing")).toEqual([]);
  });

  it("is registered on every service option", () => {
    const subs = releaseCommands()[0]!.options as Array<{ name: string; options?: Array<{ name: string; type: number; autocomplete?: boolean }> }>;
    const services = subs.flatMap((s) => (s.options ?? []).filter((o) => o.name === "service").map((o) => ({ sub: s.name, ...o })));
    expect(services.map((o) => o.sub).sort()).toEqual(["create", "lock", "stats"]);
    expect(services.every((o) => o.autocomplete === true && o.type === Number(ApplicationCommandOptionType.String))).toBe(true);
  });
});
