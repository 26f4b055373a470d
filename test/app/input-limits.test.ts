import { afterEach, describe, expect, it } from "vitest";
import { INPUT_LIMITS } from "../../src/domain/limits.js";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { replyLineText, type Reply } from "../../src/app/views.js";

let core: TestCore;
afterEach(async () => core?.close());

const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const submit = (who: string, form: "create" | "no_go" | "rollback" | "retro", releaseId: string | null, values: Record<string, string>) =>
  core.bot.handle({ kind: "form", actor: person(who), channel, form, releaseId, values });
const text = (r: Reply) => (r.type === "message" ? [r.text, ...(r.lines ?? []).map(replyLineText)].filter(Boolean).join("\n") : r.type === "form_errors" ? r.text : `form:${r.form.form}`);
/** The release card as `/release status` shows it, or undefined when there is no such release. */
const card = async (id: string) => {
  const r = await say("alice", `status ${id}`);
  return r.type === "message" && !r.error ? r.cards[0] : undefined;
};

async function shipped() {
  await say("alice", "create payments 1.4.2");
  await say("bob", "vote R-1 go");
  await say("carol", "vote R-1 go");
  await say("alice", "ship R-1");
  await say("alice", "shipped R-1");
}

describe("input limits through the door", () => {
  it("refuses a hold reason longer than a vote reason may be, says the limit, and leaves the release as it was", async () => {
    core = createTestCore();
    const chat = createRecordingSurface();
    core.bot.attachSurface(chat.surface);
    await say("alice", "create payments 1.4.2");
    await core.bot.idle();
    const max = INPUT_LIMITS.holdReason.max;
    expect(max).toBe(INPUT_LIMITS.voteReason.max);

    const refused = await say("alice", `hold R-1 ${"x".repeat(5000)}`);
    expect(refused).toMatchObject({ type: "message", error: true });
    expect(text(refused)).toBe(`A hold reason is at most ${max} characters (yours has 5000).`);
    await core.bot.idle();
    expect(await card("R-1")).toMatchObject({ state: "voting", notes: [] });
    expect(chat.latestCard("R-1")!.notes.join("\n")).not.toContain("xxx");

    expect(text(await say("alice", `hold R-1 ${"y".repeat(max)}`))).toContain("R-1 is on hold");
    expect((await card("R-1"))!.notes).toEqual([`On hold: ${"y".repeat(max)}`]);
  });

  it("refuses a cancel reason over the limit and the release stays open", async () => {
    core = createTestCore();
    await say("alice", "create payments 1.4.2");
    const refused = await say("alice", `cancel R-1 ${"x".repeat(INPUT_LIMITS.cancelReason.max + 1)}`);
    expect(text(refused)).toBe(`A cancel reason is at most ${INPUT_LIMITS.cancelReason.max} characters (yours has ${INPUT_LIMITS.cancelReason.max + 1}).`);
    expect((await card("R-1"))!.state).toBe("voting");
  });

  it("refuses a rollback reason over the limit from the confirmation form, inline, without rolling back", async () => {
    core = createTestCore();
    await shipped();
    const refused = await submit("alice", "rollback", "R-1", { reason: "e".repeat(INPUT_LIMITS.rollbackReason.max + 1) });
    expect(refused).toMatchObject({ type: "form_errors", errors: { reason: `A rollback reason is at most ${INPUT_LIMITS.rollbackReason.max} characters (yours has ${INPUT_LIMITS.rollbackReason.max + 1}).` } });
    expect((await card("R-1"))!.state).toBe("shipped");
  });

  it("states the limit when a command's version, service or description is too long, and creates nothing", async () => {
    core = createTestCore();
    expect(text(await say("alice", `create payments ${"1".repeat(65)}`))).toBe("A version is at most 64 characters (yours has 65).");
    expect(text(await say("alice", `create ${"p".repeat(70)} 1.0`))).toBe("A service name is at most 64 characters (yours has 70).");
    expect(text(await say("alice", `create payments 1.0 env ${"s".repeat(33)}`))).toBe("An environment name is at most 32 characters (yours has 33).");
    expect(text(await say("alice", `create payments 1.0 desc ${"d".repeat(1001)}`))).toBe("A description is at most 1000 characters (yours has 1001).");
    expect(await card("R-1")).toBeUndefined();
  });

  it("names every wrong field of a create form at once, each beside itself, and creates nothing", async () => {
    core = createTestCore();
    const refused = await submit("alice", "create", null, { service: "   ", version: "1.0 beta", environment: "prod uction", when: "2020-01-01 10:00", description: "d".repeat(1001) });
    if (refused.type !== "form_errors") throw new Error(text(refused));
    expect(Object.keys(refused.errors).sort()).toEqual(["description", "environment", "service", "version", "when"]);
    expect(refused.errors.service).toBe("Service is required.");
    expect(refused.errors.when).toContain("in the past");
    expect(refused.errors.description).toBe("A description is at most 1000 characters (yours has 1001).");
    expect(refused.text).toBe("Some fields need another look (service, version, environment, when, description); fix them and send the form again.");
    expect(await card("R-1")).toBeUndefined();
  });

  it("states the limit when a create form field is too long, next to the field", async () => {
    core = createTestCore();
    const refused = await submit("alice", "create", null, { service: "payments", version: "v".repeat(65) });
    expect(refused).toMatchObject({ type: "form_errors", errors: { version: "A version is at most 64 characters (yours has 65)." } });
    const badChars = await submit("alice", "create", null, { service: "pay ments", version: "1.0" });
    expect(badChars).toMatchObject({ type: "form_errors", errors: { service: expect.stringContaining("is not a service name") } });
    expect(await card("R-1")).toBeUndefined();
  });

  it("checks a manager typed by name like a terminal /as name, and creates nothing when it is not one", async () => {
    core = createTestCore();
    expect(text(await say("alice", "create payments 1.0 manager <!channel>"))).toContain("`<!channel>` is not a user name");
    expect(text(await say("alice", `create payments 1.0 manager ${"m".repeat(33)}`))).toBe("A user name is at most 32 characters (yours has 33).");
    expect(await card("R-1")).toBeUndefined();
    expect(text(await say("alice", "create payments 1.0 manager @dana"))).toContain("managed by dana");
  });

  it("checks a role's subject like a name, so no binding is made for nonsense", async () => {
    core = createTestCore();
    expect(text(await say("admin", "role grant dana!! qa"))).toContain("`dana!!` is not a user name");
    expect(text(await say("admin", `role grant ${"d".repeat(40)} qa`))).toBe("A user name is at most 32 characters (yours has 40).");
    expect(text(await say("admin", "role list"))).not.toContain("qa");
    expect(text(await say("admin", "role grant @dana qa"))).toContain("dana now has the role qa");
  });

  it("refuses a form field the form does not have, naming the fields it has, and records nothing", async () => {
    core = createTestCore();
    await say("alice", "create payments 1.4.2");
    const refused = await submit("dave", "no_go", "R-1", { reson: "migration not tested" });
    expect(refused).toMatchObject({ type: "form_errors" });
    expect(text(refused)).toBe("This form has no field `reson`. Its field is: reason.");
    expect((await card("R-1"))!.votes).toHaveLength(0);
  });

  it("refuses a retro answer under a name the retro form does not have", async () => {
    core = createTestCore();
    await shipped();
    await say("alice", "rollback R-1 bad deploy");
    await say("alice", "recovered R-1");
    expect(text(await say("bob", "retro R-1"))).toBe("form:retro");
    const retro = await submit("bob", "retro", "R-1", { went_well: "fast", lessons: "more canaries" });
    expect(text(retro)).toBe("This form has no field `lessons`. Its fields are: went_well, went_badly, action_items.");
    expect((await card("R-1"))!.notes.join("\n")).toContain("Retro: no answers yet");
  });
});
