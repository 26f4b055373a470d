import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, visibleText, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ config: { timezone: "Europe/Berlin" } });
});
afterEach(async () => {
  await h.close();
});

const utcSeconds = (y: number, mo: number, d: number, hh: number) => Date.UTC(y, mo - 1, d, hh) / 1000;

describe("Slack: freeze windows", () => {
  it("adds a freeze by slash command, lists it with each viewer's local time, and keeps the typed reason inert", async () => {
    const added = await h.slash("UADMIN", "freeze add 2030-12-24 00:00 until 2031-01-05 09:00 reason year-end <!channel> *now*");
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ response_type: "ephemeral" });
    const addedText = JSON.stringify(added.body);
    expect(addedText).toContain("Freeze F-1 added");
    expect(addedText).not.toContain("<!channel>");

    const list = await h.slash("UDEV", "freeze list");
    const listed = JSON.stringify(list.body);
    // 24 Dec 00:00 in Berlin is 23 Dec 23:00 UTC: Slack shows it in each viewer's zone, with the Berlin time as fallback.
    expect(listed).toContain(`<!date^${utcSeconds(2030, 12, 23, 23)}^{date_short_pretty} {time}|Tue 24 Dec 2030 00:00 (Europe/Berlin)>`);
    expect(listed).toContain(`<!date^${utcSeconds(2031, 1, 5, 8)}^{date_short_pretty} {time}|Sun 5 Jan 2031 09:00 (Europe/Berlin)>`);
    expect(listed).toContain("F-1");
    expect(listed).not.toContain("<!channel>");
    expect(listed).not.toContain("*now*");
  });

  it("refuses a freeze to someone who is neither admin nor release-manager", async () => {
    const res = await h.slash("UDEV", "freeze add weekly fri 16:00 until mon 09:00");
    expect(JSON.stringify(res.body)).toContain(":warning:");
    expect(JSON.stringify(res.body)).toContain("Only release-managers and admins may add or remove freeze windows");
    const audited = await h.core.store.listAuditRange(0, Number.MAX_SAFE_INTEGER);
    expect(audited.filter((e) => e.type === "freeze_added")).toEqual([]);
    expect(audited.filter((e) => e.type === "permission_refused")).toHaveLength(1);
  });

  it("shows the freeze a release's T-0 falls in on its card, ending in each viewer's time", async () => {
    await h.slash("UADMIN", "freeze add now until in 3h reason incident");
    await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    const card = await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === undefined && visibleText(c).includes("payments"));
    const text = visibleText(card);
    expect(text).toContain("⛔ *in freeze 'incident' until*");
    expect(text).toMatch(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|Tue 15 Jan 13:00 \(Europe\/Berlin\)>/);
  });
});
