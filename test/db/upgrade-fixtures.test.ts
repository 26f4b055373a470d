import Database from "better-sqlite3";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { replyLineText, type Reply } from "../../src/app/views.js";
import { admins, channel, createTestCore, person, type TestCore } from "../helpers/core.js";

/*
 * A team ran an older gonogo for weeks, then pulled main and restarted on the same file. Each
 * fixture is the database a real terminal session of that older version left (how it was made:
 * test/fixtures/upgrade/README.md); this version must take it up with nothing lost: every release
 * in its state, the votes and a no-go's reason, the jobs still to run, retro answers, policy,
 * roles and guardrails, and an audit chain that still verifies.
 */

const FIXTURES = fileURLToPath(new URL("../fixtures/upgrade/", import.meta.url));
const MIN = 60_000;

let core: TestCore | undefined;
let dir: string | undefined;
afterEach(async () => {
  await core?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  core = dir = undefined;
});

/** A reply as read: its text, its lines and the cards it carries (a status). */
const text = (r: Reply) =>
  r.type === "message" ? [r.text, ...(r.lines ?? []).map(replyLineText), ...r.cards.map((c) => JSON.stringify(c))].join("\n") : `${r.type}`;

/**
 * The old file in a fresh folder, and gonogo started on it `downFor` after the T-0 of R-3 (3
 * minutes after the old session ended), so that T-0 falls while gonogo was down.
 */
async function upgrade(commit: string, downFor = 10 * MIN) {
  dir = mkdtempSync(join(tmpdir(), "gonogo-upgrade-"));
  const old = new Database(join(dir, "gonogo.db"));
  old.exec(readFileSync(join(FIXTURES, `gonogo-${commit}.sql`), "utf8"));
  const { at } = old.prepare("SELECT scheduled_at AS at FROM releases WHERE seq = 3").get() as { at: number };
  old.close();
  core = createTestCore({ dir, now: at + downFor, config: { admins: admins("terminal:alice") } });
  const chat = createRecordingSurface();
  core.bot.attachSurface(chat.surface);
  await core.bot.start();
  await core.bot.idle();
  const c = core;
  const say = async (who: string, line: string) => text(await c.bot.handle({ kind: "command", actor: person(who), channel, text: line }));
  return { core: c, chat, say, r3T0: at };
}

describe.each(["1f51dd3", "747a638"])("a database made by gonogo %s", (commit) => {
  it("is migrated at start-up, and every release, vote and retro answer comes through", async () => {
    const { core, say } = await upgrade(commit);
    expect(core.db.migrated).toBeGreaterThan(0);
    const states = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(async (n) => (await core.store.getRelease(`R-${n}`))?.state));
    // R-3's T-0 came while gonogo was down, without GO: held on start, as the policy says.
    expect(states).toEqual(["voting", "voting", "held", "held", "shipped", "rolled_back", "cancelled"]);
    const votes = await core.store.getVotes("R-1");
    expect(votes.map((v) => [v.voterName, v.choice, v.reason])).toEqual(
      expect.arrayContaining([
        ["bob", "go", null],
        ["dave", "no_go", "migration not tested on staging"],
      ]),
    );
    expect(await say("carol", "status R-1")).toContain("NO-GO: blocked by no-go from dave: migration not tested on staging");
    const retro = await core.store.listRetroAnswers("R-5");
    expect(retro.map((a) => a.authorName).sort()).toEqual(["alice", "bob"]);
    expect(retro.find((a) => a.authorName === "alice")?.wentWell).toContain("smooth rollout");
    expect(await say("alice", "audit verify")).toMatch(/^Audit trail intact: \d+ events, every link verified/);
    expect(await say("alice", "audit R-6")).toContain("gonogo rollback webhook delivered (HTTP 200, attempt 1)");
  });

  it("keeps the channel's policy and roles", async () => {
    const { say } = await upgrade(commit);
    const policy = await say("bob", "policy");
    for (const line of ["quorum=2", "no_go_reason=required", "reminders=60m,15m,5m,0m"]) expect(policy).toContain(line);
    const roles = await say("bob", "role list");
    expect(roles).toMatch(/oncall: (terminal:)?carol/);
    expect(roles).toMatch(/qa: (terminal:)?bob/);
  });

  it("says once what T-0 did while it was down, then runs each reminder still ahead once, on time", async () => {
    const { core, chat } = await upgrade(commit);
    expect(chat.noticeTexts("R-3").filter((t) => t.includes("T-0"))).toEqual([expect.stringContaining("while gonogo was not running): HOLD. R-3 did not ship.")]);
    const r2 = (await core.store.getRelease("R-2"))!;
    for (const at of [r2.scheduledAt! - 60 * MIN, r2.scheduledAt! - 59 * MIN]) {
      core.clock.set(at);
      await core.bot.runDueJobs();
      await core.bot.idle();
    }
    expect(chat.noticeTexts("R-2")).toEqual([expect.stringMatching(/^⏰ T-1h: R-2 web 2\.0\.0: T-0 in 1h/)]);
  });

  it("turns a reminder due while it was down into one 'missed while offline' note, not a late reminder", async () => {
    // Down for 90 minutes: R-2's T-1h reminder (an hour after the old session ended) passed meanwhile.
    const { chat } = await upgrade(commit, 90 * MIN);
    const r2Notices = chat.noticeTexts("R-2");
    expect(r2Notices.filter((t) => t.includes("offline"))).toEqual(["⚠️ gonogo was offline and missed the T-1h reminder for R-2. T-0 is in 27m."]);
    expect(r2Notices.filter((t) => t.startsWith("⏰ T-1h"))).toHaveLength(0);
  });

  it("shows R-6, rolled back and restored, without advice to mark it restored", async () => {
    const { say } = await upgrade(commit);
    const card = await say("bob", "status R-6");
    expect(card).toContain("rollback by carol: error rate 5x");
    expect(card).not.toContain("mark the service restored");
  });

  it("counts a press on a card the old version posted", async () => {
    const { core } = await upgrade(commit);
    const reply = await core.bot.handle({ kind: "button", actor: person("carol"), channel, releaseId: "R-2", action: "go" });
    expect(text(reply)).toContain("Your GO on R-2 is in");
    expect((await core.store.getVotes("R-2")).map((v) => v.voterName).sort()).toEqual(["bob", "carol"]);
  });
});

describe("a database made by gonogo 747a638 (readiness criteria, freezes, locks)", () => {
  it("keeps the criteria and their ticks, both freezes, and both locks in `/release locks`", async () => {
    const { say } = await upgrade("747a638");
    expect(await say("bob", "criteria")).toContain("tests: ticked by holders of the qa role");
    expect(await say("bob", "status R-5")).toMatch(/"name":"tests".*"status":"passed"/);
    const freezes = await say("bob", "freeze list");
    expect(freezes).toContain("F-1 weekly Sat 23:00");
    expect(freezes).toContain("june audit");
    const locks = await say("bob", "locks");
    // The lock set by hand before locks recorded their channel, and the one the rollback set.
    expect(locks).toContain("payments production is locked by alice: incident 42");
    expect(locks).toContain("search production is locked after the rollback of R-6 by carol");
  });

  it("joins alice's two retro answers into one, keeping both texts", async () => {
    const { core } = await upgrade("747a638");
    const alice = (await core.store.listRetroAnswers("R-5")).filter((a) => a.authorName === "alice");
    expect(alice).toHaveLength(1);
    expect(alice[0]!.wentWell).toContain("smooth rollout");
    expect(alice[0]!.wentWell).toContain("second thought from alice");
  });
});
