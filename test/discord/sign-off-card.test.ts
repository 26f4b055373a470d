import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member } from "../../fakes/discord-fixtures.js";
import type { Json } from "../../fakes/discord-server.js";
import { startHarness, type Harness } from "./harness.js";

/**
 * "waiting for qa" names no one: the card says whose GO each sign-off waits for, as the
 * server's role and member mentions (an embed's mentions never notify), or how to get one.
 */
const field = (card: Json, name: string): string | undefined => (card.embeds[0].fields as Array<{ name: string; value: string }>).find((f) => f.name === name)?.value;

describe("Discord: a card waiting for sign-offs", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("names the roles and members holding each sign-off still missing, pings nobody, and drops a sign-off once given", async () => {
    const qaRole = h.fake.world.roles.QA!;
    const erin = member(8);
    await h.command(h.admin, "role", { action: "grant", who: { role: qaRole }, role: "qa" });
    await h.command(h.admin, "role", { action: "grant", who: { user: erin }, role: "security" });
    await h.command(h.admin, "policy", { set: "require=qa,security,dba" });
    await h.command(member(1), "create", { service: "payments", version: "1.4.2" });
    const msgId = await h.cardMessageId("R-1");
    let card = await h.card(msgId);
    expect(field(card, "Waiting for sign-off")).toBe(
      `**qa**: <@&${qaRole}>\n**security**: <@${erin.id}>\n**dba**: nobody holds dba yet; an admin grants it with \`/release role action:grant who:<user> role:dba\``,
    );
    expect(card.allowed_mentions).toEqual({ parse: [] });

    await h.press(member(5, [qaRole]), "go", "R-1", msgId);
    card = await h.card(msgId);
    expect(field(card, "Waiting for sign-off")).toBe(`**security**: <@${erin.id}>\n**dba**: nobody holds dba yet; an admin grants it with \`/release role action:grant who:<user> role:dba\``);
  });

  it("shows no sign-off field where none is required", async () => {
    await h.command(member(1), "create", { service: "payments", version: "1.4.2" });
    expect(field(await h.card(await h.cardMessageId("R-1")), "Waiting for sign-off")).toBeUndefined();
  });

  it("names them in the private /release status answer too", async () => {
    const qaRole = h.fake.world.roles.QA!;
    await h.command(h.admin, "role", { action: "grant", who: { role: qaRole }, role: "qa" });
    await h.command(h.admin, "policy", { set: "require=qa" });
    await h.command(member(1), "create", { service: "payments", version: "1.4.2" });
    const answer = await h.command(member(2), "status", { id: "R-1" });
    expect(field(answer.data, "Waiting for sign-off")).toBe(`**qa**: <@&${qaRole}>`);
    expect(answer.data.allowed_mentions).toEqual({ parse: [] });
  });
});
