import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createFakeSlack, type FakeCall, type FakeSlack } from "../../fakes/slack-api.js";
import { startGonogo, type RunningGonogo } from "../helpers/faults-program.js";
import { BOT_TOKEN, blockActionsPayload, buttonsOf, interactiveBody, messageTs, postSigned, SIGNING_SECRET, slashBody, TEAM, USERS, visibleText } from "../slack/harness.js";

let fake: FakeSlack | undefined;
let running: RunningGonogo | undefined;
let dir: string | undefined;

afterEach(async () => {
  await running?.kill().catch(() => undefined);
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  running = fake = dir = undefined;
});

const voterId = (i: number) => `UK${String(i).padStart(5, "0")}`;

function storedVoters(dbPath: string): Set<string> {
  const db = new Database(dbPath, { readonly: true });
  try {
    return new Set(db.prepare<[], { voter: string }>("SELECT voter FROM votes").all().map((r) => r.voter));
  } finally {
    db.close();
  }
}

function doneReminders(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare<[], { n: number }>("SELECT count(*) AS n FROM jobs WHERE kind = 'reminder' AND done_at IS NOT NULL").get()!.n;
  } finally {
    db.close();
  }
}

describe("crash: SIGKILL during a vote storm", () => {
  it("keeps every acknowledged vote, reconciles the card at restart and runs the due reminder once", async () => {
    fake = await createFakeSlack({ teamId: TEAM, users: USERS });
    dir = mkdtempSync(join(tmpdir(), "gonogo-crash-"));
    const dbPath = join(dir, "gonogo.db");
    const env = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, DATABASE_PATH: dbPath, GONOGO_QUORUM: "100" };
    running = await startGonogo(env);
    let url = `http://127.0.0.1:${running.port}`;

    // T-0 in one hour and 4 seconds: the T-60m reminder falls due around the crash.
    const created = await postSigned(url, slashBody(fake, "UMGR", "create payments 1.4.2 at in 1h 4s"), "application/x-www-form-urlencoded");
    expect(created.status).toBe(200);
    const card: FakeCall = await fake.waitFor("chat.postMessage", (c) => visibleText(c).includes("R-1"), 5000);
    const go = buttonsOf(card).get("Go")!;

    // 150 people press Go, 10 at a time; the process is killed once 40 presses were acknowledged.
    const acked = new Set<string>();
    let next = 0;
    let killed = false;
    const current = running;
    const worker = async () => {
      while (next < 150 && !killed) {
        const user = voterId(next++);
        try {
          const res = await postSigned(url, interactiveBody(blockActionsPayload(fake!, user, card, go, "Go")), "application/x-www-form-urlencoded");
          if (res.status === 200) acked.add(`slack:${TEAM}:${user}`);
        } catch {
          // The connection died with the process: not acknowledged, so not promised.
        }
        if (acked.size >= 40 && !killed) {
          killed = true;
          await current.kill();
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, worker));
    expect(killed).toBe(true);
    expect(acked.size).toBeGreaterThanOrEqual(40);

    const afterCrash = storedVoters(dbPath);
    for (const voter of acked) expect(afterCrash.has(voter), `acknowledged vote of ${voter} is on disk`).toBe(true);

    // Restart on the same file: the card is re-rendered from the stored votes.
    const updatesBefore = fake.callsTo("chat.update").length;
    running = await startGonogo(env);
    url = `http://127.0.0.1:${running.port}`;
    const ts = messageTs(card);
    const reconciled = await fake.waitFor("chat.update", (c) => fake!.calls.indexOf(c) >= 0 && c.params.ts === ts && visibleText(c).includes(`*GO* (${afterCrash.size})`), 8000);
    expect(fake.callsTo("chat.update").indexOf(reconciled)).toBeGreaterThanOrEqual(updatesBefore);

    // The reminder that fell due around the crash is posted exactly once.
    const isReminder = (c: FakeCall) => c.params.thread_ts === ts && visibleText(c).includes("T-1h:");
    await fake.waitFor("chat.postMessage", isReminder, 10_000);
    // A clean stop finishes the work in flight: a second run already under way has posted by then.
    await running.stop();
    expect(fake.callsTo("chat.postMessage").filter(isReminder)).toHaveLength(1);
    // And the job is done, so no later pass can claim it again.
    expect(doneReminders(dbPath)).toBe(1);
    expect(storedVoters(dbPath)).toEqual(afterCrash);
  }, 60_000);
});

describe("crash: hostile but correctly signed requests", () => {
  it("keeps the program running after interactive requests whose payload is JSON null, or not JSON", async () => {
    fake = await createFakeSlack({ teamId: TEAM, users: USERS });
    dir = mkdtempSync(join(tmpdir(), "gonogo-crash-"));
    running = await startGonogo({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, DATABASE_PATH: join(dir, "gonogo.db") });
    const url = `http://127.0.0.1:${running.port}`;
    // Bolt's HTTPReceiver reads `body.ssl_check` without a null check; the rejection it leaves unhandled ends Node 20.
    const hostile = [new URLSearchParams({ payload: "null" }).toString(), "payload=+null", "pay%6Coad=null", "payload=%7Bnot%20json", "payload={"];
    for (const body of hostile) {
      const answer = await postSigned(url, body, "application/x-www-form-urlencoded");
      expect(answer.status, body).toBe(400);
    }
    // An unhandled rejection ends Node once the microtasks of its request have run, before the next request is served.
    const after = await postSigned(url, slashBody(fake, "UMGR", "help"), "application/x-www-form-urlencoded");
    expect(after.status).toBe(200);
    expect(running.child.exitCode, running.stderr().slice(-2000)).toBeNull();
  }, 30_000);
});
