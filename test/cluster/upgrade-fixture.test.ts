import Database from "better-sqlite3";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { expect, it } from "vitest";
import { openDatabase } from "../../db/client.js";
import { copySqliteToPostgres } from "../../db/copy-to-postgres.js";
import { openPostgres } from "../../db/postgres/client.js";
import { startPgCluster } from "../../db/postgres/notify.js";
import { createPostgresStore } from "../../db/postgres/store.js";
import { createBot } from "../../src/app/bot.js";
import type { Bot } from "../../src/app/bot-api.js";
import type { Logger } from "../../src/app/ports.js";
import { replyLineText, type Reply } from "../../src/app/views.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { admins, channel, createFakeTime, defaultCoreConfig, person } from "../helpers/core.js";
import { describeInstances } from "./describe-instances.js";

/*
 * A cluster that ran gonogo 747a638 (2026-12-03) on PostgreSQL is upgraded: every instance is
 * stopped, and two of this version start at once on the database that version left (a pg_dump of a
 * real terminal session: test/fixtures/upgrade/README.md). One of them migrates; both serve
 * everything the old one kept.
 */

const silent: Logger = { info() {}, warn() {}, error() {} };
const MIN = 60_000;
const dump = readFileSync(new URL("../fixtures/upgrade/postgres-747a638.sql", import.meta.url), "utf8");
/** A reply as read: its text, its lines and the cards it carries (a status). */
const text = (r: Reply) => (r.type === "message" ? [r.text, ...(r.lines ?? []).map(replyLineText), ...r.cards.map((c) => JSON.stringify(c))].join("\n") : r.type);

describeInstances("a PostgreSQL database made by gonogo 747a638", ({ fresh, closeAfter }) => {

  it("is migrated by one of two instances starting at once, and both serve every release, vote, guardrail and the audit chain", async () => {
    const url = await fresh({ migrated: false });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(dump);
    const { rows } = await client.query<{ at: string }>("SELECT scheduled_at AS at FROM public.releases WHERE seq = 3");
    // That version let a rollback call still being retried land after the service was marked
    // restored, and its note then asked to mark it restored: R-6 as such a landing left it.
    await client.query("UPDATE public.releases SET webhook_note = 'Rollback webhook: delivered (HTTP 200) — mark the service restored with `/release recovered R-6`' WHERE seq = 6");
    await client.end();
    // Started 10 minutes after R-3's T-0, which fell while every instance was down.
    const now = Number(rows[0]!.at) + 10 * MIN;
    const start = async (name: string) => {
      const handle = await openPostgres(url, { max: 4 });
      const cluster = await startPgCluster({ pool: handle.pool, listenUrl: url, instanceId: name, log: silent });
      const clock = createFakeTime(now);
      clock.fastForward();
      const bot = createBot({ store: createPostgresStore(handle), config: { ...defaultCoreConfig, admins: admins("terminal:alice") }, clock, timer: clock.timer, log: silent, cluster });
      const chat = createRecordingSurface();
      bot.attachSurface(chat.surface);
      closeAfter({ bot, cluster, handle });
      return { bot, chat, handle };
    };
    const instances = await Promise.all([start("A"), start("B")]);
    expect(instances.map((i) => i.handle.migrated > 0).sort()).toEqual([false, true]);
    await Promise.all(instances.map((i) => i.bot.start()));
    await Promise.all(instances.map((i) => i.bot.idle()));

    const [a, b] = instances;
    const say = async (bot: Bot, who: string, line: string) => text(await bot.handle({ kind: "command", actor: person(who), channel, text: line }));
    // R-3's missed T-0 is told once, by whichever instance ran it.
    expect(instances.flatMap((i) => i.chat.noticeTexts("R-3")).filter((t) => t.includes("while gonogo was not running): HOLD"))).toHaveLength(1);
    const list = await say(b.bot, "bob", "list");
    for (const line of ["R-1 api 1.0.0 → production · Voting · NO-GO", "R-3 worker 3.0.0 → production · On hold", "R-4 batch 4.0.0 → production · On hold", "R-5 billing 5.0.0 → production · Shipped", "R-6 search 6.0.0 → production · Rolled back"]) {
      expect(list).toContain(line);
    }
    expect(await say(a.bot, "alice", "audit verify")).toMatch(/^Audit trail intact: \d+ events, every link verified/);
    const locks = await say(b.bot, "bob", "locks");
    expect(locks).toContain("payments production is locked by alice: incident 42");
    expect(locks).toContain("search production is locked after the rollback of R-6 by carol");
    expect(await say(a.bot, "bob", "freeze list")).toContain("june audit");
    const r6 = await say(b.bot, "bob", "status R-6");
    expect(r6).toContain("Rollback webhook: delivered (HTTP 200)");
    expect(r6).not.toContain("mark the service restored");
    const store = createPostgresStore(a.handle);
    const alice = (await store.listRetroAnswers("R-5")).filter((r) => r.authorName === "alice");
    expect(alice.map((r) => r.wentWell)).toEqual([expect.stringMatching(/smooth rollout[\s\S]*second thought from alice/)]);
    expect(await say(b.bot, "carol", "vote R-2 go")).toContain("Your GO on R-2 is in");
  });

  it("from SQLite: a file made by gonogo 1f51dd3, started once by this version, is copied by db:copy and served from PostgreSQL", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gonogo-upgrade-copy-"));
    try {
      const path = join(dir, "gonogo.db");
      const old = new Database(path);
      old.exec(readFileSync(new URL("../fixtures/upgrade/gonogo-1f51dd3.sql", import.meta.url), "utf8"));
      old.close();
      // README, Upgrading: start this version on the file once (it migrates), stop it, then copy.
      openDatabase(path).close();
      const url = await fresh({ migrated: false });
      const report = await copySqliteToPostgres(path, url);
      expect(report.rows).toMatchObject({ releases: 7, votes: 7, retro_answers: 2, policies: 1, role_bindings: 2 });
      const handle = await openPostgres(url, { max: 2 });
      const cluster = await startPgCluster({ pool: handle.pool, listenUrl: null, instanceId: "A", log: silent });
      const clock = createFakeTime(Date.UTC(2026, 11, 6, 8));
      clock.fastForward();
      const bot = createBot({ store: createPostgresStore(handle), config: { ...defaultCoreConfig, admins: admins("terminal:alice") }, clock, timer: clock.timer, log: silent, cluster });
      closeAfter({ bot, cluster, handle });
      const say = async (who: string, line: string) => text(await bot.handle({ kind: "command", actor: person(who), channel, text: line }));
      expect(await say("alice", "audit verify")).toMatch(/^Audit trail intact: \d+ events, every link verified/);
      expect(await say("bob", "list")).toContain("R-1 api 1.0.0 → production · Voting · NO-GO");
      expect(await say("erin", "create next 1.0.0")).toContain("Created R-8");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
