import { afterEach, describe, expect, it } from "vitest";
import { EVENT_CLAIM_KEEP_MS } from "../../src/app/event-claims.js";
import { admins, channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { auditTypes } from "../helpers/faults-db.js";

let core: TestCore;
afterEach(async () => core?.close());

const command = (who: string, text: string) => ({ kind: "command" as const, actor: person(who), channel, text });
const HOUR = 3_600_000;

describe("an event id handled once (Bot.handleOnce)", () => {
  it("votes once for two deliveries of one event; the second gets no answer", async () => {
    core = createTestCore();
    await core.bot.handle(command("rm", "create payments 1.4.2"));
    const first = await core.bot.handleOnce("slack:trigger-1", command("qa", "vote R-1 no-go flaky tests"));
    const again = await core.bot.handleOnce("slack:trigger-1", command("qa", "vote R-1 no-go flaky tests"));
    expect(first).toMatchObject({ type: "message", error: false });
    expect(again).toBeNull();
    expect(auditTypes(core.db.sqlite).vote_cast).toBe(1);
    // A new press of the same button is a new event and is handled.
    expect(await core.bot.handleOnce("slack:trigger-2", command("qa", "vote R-1 go"))).toMatchObject({ type: "message", error: false });
  });

  it("answers a refusal once: the second delivery is silent and a refused permission is audited once", async () => {
    core = createTestCore({ config: { admins: admins("terminal:boss") } });
    await core.bot.handle(command("boss", "create payments 1.4.2"));
    const grant = command("mallory", "role grant terminal:mallory admin");
    const first = await core.bot.handleOnce("discord:900", grant);
    expect(first).toMatchObject({ type: "message", error: true });
    expect(await core.bot.handleOnce("discord:900", grant)).toBeNull();
    expect(auditTypes(core.db.sqlite).permission_refused).toBe(1);
    expect(await core.store.listRoleBindings()).toEqual([]);
  });

  it("forgets claims after a day, pruning hourly, so the table does not grow for ever", async () => {
    core = createTestCore();
    await core.bot.start();
    await core.bot.handle(command("rm", "create payments 1.4.2"));
    expect(await core.bot.handleOnce("discord:1", command("qa", "vote R-1 go"))).not.toBeNull();
    core.clock.advance(EVENT_CLAIM_KEEP_MS - HOUR);
    await core.settle();
    expect(await core.store.claimEvent("discord:1", core.clock.now())).toBe(false);
    core.clock.advance(2 * HOUR);
    await core.settle();
    expect(await core.store.claimEvent("discord:1", core.clock.now())).toBe(true);
  });
});
