import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InboundEvent } from "../../src/app/events.js";
import type { Reply } from "../../src/app/views.js";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { actorName, cardAction, commandText, formId, formValues, INTERNAL_ERROR, releaseIdish } from "../helpers/faults-arbitraries.js";
import { countsBesidesRefusals } from "../helpers/faults-db.js";

let core: TestCore;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  core = createTestCore();
  const reply = await core.bot.handle({ kind: "command", actor: person("alice"), channel, text: "create payments 1.4.2 at in 2h" });
  expect(reply).toMatchObject({ error: false });
  await core.bot.handle({ kind: "command", actor: person("bob"), channel, text: "vote R-1 go" });
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await core.close();
  expect(unhandled).toEqual([]);
});

const isError = (r: Reply) => (r.type === "message" && r.error) || r.type === "form_errors";
const textOf = (r: Reply) => (r.type === "form" ? r.form.title : r.text);

/** The door's contract for junk: a specific answer, never an internal error, and no write when it refuses. */
async function checkDoor(event: InboundEvent): Promise<void> {
  const before = countsBesidesRefusals(core.db.sqlite);
  const reply = await core.bot.handle(event);
  expect(reply, "a reply always comes back").toBeDefined();
  expect(["message", "form", "form_errors"]).toContain(reply.type);
  expect(textOf(reply).trim().length).toBeGreaterThan(0);
  expect(textOf(reply)).not.toMatch(INTERNAL_ERROR);
  if (isError(reply)) expect(countsBesidesRefusals(core.db.sqlite), `nothing written for ${JSON.stringify(event)}`).toEqual(before);
}

describe("bad input through bot.handle", () => {
  it("answers random and malformed command texts specifically, never with an internal error", async () => {
    await fc.assert(
      fc.asyncProperty(commandText, actorName, async (text, name) => checkDoor({ kind: "command", actor: person(name), channel, text })),
      { numRuns: 400 },
    );
    await core.bot.idle();
  });

  it("answers button presses naming random releases and actions without writing anything on refusal", async () => {
    await fc.assert(
      fc.asyncProperty(releaseIdish, cardAction, actorName, async (releaseId, action, name) => checkDoor({ kind: "button", actor: person(name), channel, releaseId, action })),
      { numRuns: 300 },
    );
    await core.bot.idle();
  });

  it("answers random form submissions (any form, any fields, any release) without an internal error", async () => {
    await fc.assert(
      fc.asyncProperty(formId, fc.option(releaseIdish, { nil: null }), formValues, actorName, async (form, releaseId, values, name) =>
        checkDoor({ kind: "form", actor: person(name), channel, form, releaseId, values }),
      ),
      { numRuns: 300 },
    );
    await core.bot.idle();
  });
});
