import { describe, expect, it } from "vitest";
import { recordedChatPerTest, T0 } from "../helpers/core.js";
import type { WebScope } from "../../src/app/web-link.js";
import { releasesPage } from "../../src/web/pages/releases-page.js";
import { releasePage } from "../../src/web/pages/release-page.js";

/* A release shipped by hand before its T-0: what the card and calendar say about its time. */

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const terminal: WebScope = { kind: "workspace", platform: "terminal", scope: "local" };
const setup = recordedChatPerTest();

describe("shipping before T-0", () => {
  it("shows when it started shipping on the card and in the calendar, not the T-0 it no longer waits for", async () => {
    const { core, chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2 at in 2d");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await advance(30 * MIN);
    const startedAt = core.clock.now();
    expect(startedAt).toBe(T0 + 30 * MIN);
    await say("alice", "ship R-1");
    await core.bot.idle();

    const card = chat.latestCard("R-1")!;
    expect(card.state).toBe("shipping");
    expect(card.scheduledAt).toBe(startedAt);
    expect(card.countdownLine).toBeNull();

    const calendar = await core.bot.webRead({ kind: "web_calendar", scope: terminal, zone: "UTC", channel: null });
    const today = calendar.days[0]!;
    expect(today.releases.map((r) => [r.id, r.scheduledAt])).toEqual([["R-1", startedAt]]);
    expect(calendar.days.slice(1).flatMap((d) => d.releases)).toEqual([]);

    // Nothing counts down to the old T-0: no reminders or T-0 job are left, and none fires.
    expect((await core.store.listPendingJobs("R-1")).map((j) => j.kind).filter((k) => ["reminder", "t0", "countdown"].includes(k))).toEqual([]);
    const before = chat.noticeTexts("R-1").length;
    await advance(2 * DAY);
    // Only the one nudge to mark it shipped (it is still shipping), nothing of the old countdown.
    expect(chat.noticeTexts("R-1").slice(before).map((t) => t.slice(0, 30))).toEqual(["⏳ R-1 has been shipping for 2d"]);
  });

  it("keeps T-0 as planned when T-0 itself ships it", async () => {
    const { chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2 at in 1h");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await advance(60 * MIN);
    const card = chat.latestCard("R-1")!;
    expect(card.state).toBe("shipping");
    expect(card.scheduledAt).toBe(T0 + 60 * MIN);
  });

  it("heads the web view's time as what it is: T-0 until it starts, then when it started (with the T-0 it was due at, when it started later)", async () => {
    const { core, say, advance } = setup();
    await say("alice", "create payments 1.4.2 at in 2d");
    await say("alice", "create ledger 2.0.0 at in 1h");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await say("bob", "vote R-2 go");
    await advance(60 * MIN); // R-2's T-0 without GO: held
    await say("carol", "vote R-2 go");
    await advance(30 * MIN);
    const startedAt = core.clock.now();
    await say("alice", "ship R-1"); // early
    await say("alice", "ship R-2"); // 30 minutes after its T-0
    await say("alice", "create search 3.0.0 at in 3h");
    await core.bot.idle();

    const calendar = await core.bot.webRead({ kind: "web_calendar", scope: terminal, zone: "UTC", channel: null });
    const rows = [...calendar.days.flatMap((d) => d.releases), ...calendar.live];
    expect(rows.map((r) => [r.id, r.startedAt])).toEqual(expect.arrayContaining([["R-1", startedAt], ["R-2", startedAt], ["R-3", null]]));
    const page = releasesPage(calendar, "the terminal");
    expect(page).not.toContain('<th scope="col">T-0</th>');
    expect(page).toContain('<th scope="col">When</th>');
    const row = (id: string) => {
      const at = page.indexOf(`>${id}</a>`);
      return page.slice(page.lastIndexOf("<tr>", at), at);
    };
    expect(row("R-1")).toContain("Started <time");
    expect(row("R-1")).not.toContain("T-0");
    expect(row("R-2")).toMatch(/Started <time[^]*T-0 was <time/);
    expect(row("R-2")).not.toContain("ago");
    expect(row("R-3")).toContain("T-0 <time");

    const late = await core.bot.webRead({ kind: "web_release", scope: terminal, id: "R-2" });
    const latePage = releasePage(late!, "the terminal", "UTC", core.clock.now());
    expect(latePage).toContain("<dt>Started</dt>");
    expect(latePage).toContain("<dt>T-0 (scheduled)</dt>");
    const early = releasePage((await core.bot.webRead({ kind: "web_release", scope: terminal, id: "R-1" }))!, "the terminal", "UTC", core.clock.now());
    expect(early).toContain("<dt>Started</dt>");
    expect(early).not.toContain("<dt>T-0");
  });
});
