import { afterEach, describe, expect, it } from "vitest";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { aDayOfReleases } from "./activity.js";

/*
 * Months of a team's releases on one database: the rows that carry work (jobs, hook receipts,
 * event claims) are pruned once done with, while what people can still see (releases, votes,
 * cards, the audit trail) is all kept.
 */

let core: TestCore | undefined;
afterEach(async () => core?.close());

const rows = (table: string) => (core!.db.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe("two months of releases", () => {
  it("keeps about a day of done jobs and a week of hook receipts, and every release, vote, card and audit event", async () => {
    core = createTestCore();
    const chat = createRecordingSurface();
    core.bot.attachSurface(chat.surface);
    await core.bot.start();
    const seen: Array<Record<string, number>> = [];
    for (let day = 1; day <= 60; day++) {
      await aDayOfReleases(core, day);
      if (day % 30 === 0) seen.push({ jobs: rows("jobs"), hooks: rows("hook_receipts"), claims: rows("event_claims"), audit: rows("audit_events") });
    }
    const [month1, month2] = seen;
    // Six jobs a day run and are done (ship nudges, retros opening and closing): a day of those, and the retros still open.
    expect(rows("jobs WHERE done_at IS NOT NULL")).toBeLessThanOrEqual(2 * 6);
    expect(month2!.jobs).toBe(month1!.jobs);
    // One deploy hook a day: a week of receipts.
    expect(month2!.hooks).toBeLessThanOrEqual(8);
    expect(month2!.claims).toBeLessThanOrEqual(8);
    // What people see stays: the audit trail keeps growing, the first release still answers.
    expect(month2!.audit!).toBeGreaterThan(month1!.audit!);
    expect([rows("releases"), rows("votes"), rows("message_refs")]).toEqual([180, 300, 180]);
    const status = await core.bot.handle({ kind: "command", actor: person("anyone"), channel, text: "status R-1" });
    expect(status).toMatchObject({ type: "message", error: false });
    expect(JSON.stringify(status)).toContain("payments 1.1.0");
  }, 60_000);
});
