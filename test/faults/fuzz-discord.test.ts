import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCustomId } from "../../adapters/discord/ids.js";
import { TAMPERED_MESSAGE } from "../../adapters/discord/inbound.js";
import { coreText } from "../../adapters/discord/markdown.js";
import { startHarness, type Harness } from "../discord/harness.js";
import { member } from "../../fakes/discord-fixtures.js";
import { formValues, INTERNAL_ERROR, releaseIdish } from "../helpers/faults-arbitraries.js";
import { countsBesidesRefusals } from "../helpers/faults-db.js";

let h: Harness;
let msgId: string;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const mallory = member(66);

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  h = await startHarness();
  await h.command(h.admin, "create", { service: "payments", version: "1.4.2" });
  msgId = await h.cardMessageId("R-1");
  await h.core.bot.idle();
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await h.close();
  expect(unhandled).toEqual([]);
  expect(h.logs.filter((l) => l.level === "error")).toEqual([]);
});

const counts = () => countsBesidesRefusals(h.core.db.sqlite);
const customId = fc.oneof(
  fc.constantFrom("g1:b:go:R-1", "g1:b:go:R-2", "g2:b:go:R-1", "g1:b:explode:R-1", "g1:b:go:R-1:extra", "g1:f:rollback:R-1", "g1:f:create:-", "g1:f:no_go:R-x", "", ":::", "g1:b:go:" + "9".repeat(120)),
  fc.string({ maxLength: 40 }),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 5 }).map((p) => p.join(":")),
);

describe("bad input through the Discord inbound path", () => {
  it("answers forged button custom_ids with the tampered notice, privately, writing nothing", async () => {
    await fc.assert(
      fc.asyncProperty(customId, async (id) => {
        const parsed = parseCustomId(id);
        fc.pre(parsed?.kind !== "button" || parsed.releaseId !== "R-1");
        // Cards posted by an earlier (valid) run land asynchronously: let them settle first.
        await h.core.bot.idle();
        const before = counts();
        const answer = await h.pressRaw(mallory, id, msgId);
        expect(answer.type).toBe(4);
        expect(answer.data.flags).toBe(64);
        expect(String(answer.data.content)).not.toMatch(INTERNAL_ERROR);
        if (parsed?.kind !== "button") expect(answer.data.content).toBe(coreText(TAMPERED_MESSAGE).markup);
        else expect(answer.data.content).toMatch(/There is no release/);
        expect(counts()).toEqual(before);
      }),
      { numRuns: 50 },
    );
  }, 30_000);

  it("answers forged modal submissions (any custom_id, any fields) with a specific private answer, writing nothing on refusal", async () => {
    await fc.assert(
      fc.asyncProperty(customId, formValues, async (id, values) => {
        // Cards posted by an earlier (valid) run land asynchronously: let them settle first.
        await h.core.bot.idle();
        const before = counts();
        const answer = await h.submit(mallory, id, values, msgId);
        const content = String(answer.data?.content ?? "");
        expect(answer.type).toBe(4);
        expect(content.length).toBeGreaterThan(0);
        expect(content).not.toMatch(INTERNAL_ERROR);
        if (parseCustomId(id)?.kind !== "form") {
          expect(content).toBe(coreText(TAMPERED_MESSAGE).markup);
          expect(counts()).toEqual(before);
        }
      }),
      { numRuns: 50 },
    );
    await h.core.bot.idle();
  }, 30_000);

  it("answers /release vote with random ids and choices specifically, never with an internal error", async () => {
    await fc.assert(
      fc.asyncProperty(releaseIdish, fc.oneof(fc.constantFrom("go", "no-go", "abstain", "maybe", ""), fc.string({ maxLength: 10 })), fc.option(fc.string({ maxLength: 50 }), { nil: undefined }), async (id, choice, reason) => {
        // Cards posted by an earlier (valid) run land asynchronously: let them settle first.
        await h.core.bot.idle();
        const before = counts();
        const answer = await h.command(mallory, "vote", { id, choice, ...(reason ? { reason } : {}) });
        const content = String(answer.data?.content ?? "");
        expect(answer.type).toBe(4);
        expect(content.length).toBeGreaterThan(0);
        expect(content).not.toMatch(INTERNAL_ERROR);
        if (!/is in|replaces your|stands;|already voted/.test(content)) expect(counts()).toEqual(before);
      }),
      { numRuns: 50 },
    );
  }, 30_000);
});
