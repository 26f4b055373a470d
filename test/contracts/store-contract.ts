import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freshCriteria, type Criterion } from "../../src/domain/criteria.js";
import type { Policy } from "../../src/domain/policy.js";
import type { Release, Vote, VoteChoice } from "../../src/domain/types.js";
import type { MessageRef } from "../../src/app/ports.js";
import { EventClaimedBefore, type AuditEvent, type Job, type NewRelease, type RetroAnswer, type Store } from "../../src/app/store.js";
import type { ChainedAuditEvent, Snapshot } from "../../src/app/snapshot.js";
import type { NoticeView } from "../../src/app/views.js";

/**
 * The definition of the `Store` port (src/app/store.ts): every implementation runs this
 * suite unchanged. It speaks only through the port, so it knows nothing of SQL, files or
 * connections; the factory hides those.
 */
export interface StoreUnderTest {
  /** A store on an empty, fully migrated database, used by this one test only. */
  store: Store;
  /** Closes whatever store is current (after `reopen`, the reopened one) and removes its data. */
  close(): Promise<void>;
  /** Closes the store and opens a new one on the same data, as after a restart. */
  reopen(): Promise<Store>;
  /**
   * Changes the type of audit row `id` behind the store's back (its append-only trigger off, as
   * someone with the database could): the tampering a walk of the hash chain exists to catch.
   */
  tamperAudit(id: number, type: string): Promise<void>;
}

export type StoreFactory = () => Promise<StoreUnderTest>;

const T = Date.UTC(2030, 0, 15, 9, 0);
const DAY = 86_400_000;
const CHANNEL = { platform: "slack", key: "slack:T1:C1", nativeId: "C1" };
const OTHER_CHANNEL = { platform: "discord", key: "discord:G1:C9", nativeId: "C9" };

function newRelease(overrides: Partial<NewRelease> = {}): NewRelease {
  return {
    service: "payments",
    version: "1.4.2",
    environment: "production",
    description: null,
    managerId: "slack:T1:U1",
    managerName: "Alice",
    channel: CHANNEL,
    scheduledAt: null,
    timezone: "UTC",
    state: "voting",
    stateReason: null,
    createdAt: T,
    createdBy: "slack:T1:U1",
    decidedGoAt: null,
    shippedAt: null,
    rollbackRequestedAt: null,
    recoveredAt: null,
    retroOpenedAt: null,
    closedAt: null,
    votesVoidedNote: null,
    webhookNote: null,
    ...overrides,
  };
}

function vote(voter: string, choice: VoteChoice, at: number, extra: Partial<Vote> = {}): Vote {
  return { voter, voterName: voter.split(":").pop()!, choice, reason: null, roles: [], at, ...extra };
}

function event(type: string, at: number, releaseId: string | null = "R-1", data: Record<string, unknown> = {}): AuditEvent {
  return { releaseId, at, actor: "slack:T1:U1", platform: "slack", type, data };
}

function job(releaseId: string, key: string, dueAt: number, kind: Job["kind"] = "reminder", payload: Record<string, unknown> = {}): Omit<Job, "id" | "attempts"> {
  return { releaseId, kind, key, dueAt, payload };
}

function ref(channel: MessageRef["channel"], messageId: string): MessageRef {
  return { platform: channel.platform, channel, messageId };
}

function retro(releaseId: string, author: string, at: number, wentWell = "the rollout"): RetroAnswer {
  return { releaseId, author, authorName: author, wentWell, wentBadly: "", actionItems: "", at };
}

/** Lets every pending callback and I/O completion run once (no wall-clock wait). */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** Every audit event of `from..to` in a snapshot, page after page. */
async function allPages(snapshot: Snapshot, from: number, to: number): Promise<ChainedAuditEvent[]> {
  const events: ChainedAuditEvent[] = [];
  for (let after: number | null = 0; after !== null; ) {
    const page = await snapshot.auditPage(from, to, after);
    events.push(...page.events);
    after = page.next;
  }
  return events;
}

const sortRefs = (refs: MessageRef[]) => [...refs].sort((a, b) => a.channel.key.localeCompare(b.channel.key));

/** Everything a transaction could have written, read back for before/after comparison. */
async function snapshot(store: Store, releaseId: string) {
  return {
    release: await store.getRelease(releaseId),
    releases: await store.listReleases({}),
    votes: await store.getVotes(releaseId),
    criteria: await store.listCriteria(releaseId),
    audit: await store.listAudit(releaseId),
    chain: await store.verifyAudit(),
    jobs: await store.listPendingJobs(),
    refs: sortRefs(await store.listMessageRefs(releaseId)),
    policy: await store.getPolicy(CHANNEL.key),
    bindings: await store.listRoleBindings(),
    retro: await store.listRetroAnswers(releaseId),
    deliveries: await store.listDeliveries(releaseId),
  };
}

export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`the Store contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterEach(async () => subject.close());

    describe("releases", () => {
      it("numbers new releases R-1, R-2, … in the order they are inserted and returns every field as given", async () => {
        const first = await store.insertRelease(newRelease({ description: "first", scheduledAt: T + 3_600_000 }));
        const second = await store.insertRelease(newRelease({ version: "1.4.3" }));
        expect(first).toEqual({ ...newRelease({ description: "first", scheduledAt: T + 3_600_000 }), id: "R-1", seq: 1 });
        expect(second).toMatchObject({ id: "R-2", seq: 2, version: "1.4.3" });
        expect(await store.getRelease("R-1")).toEqual(first);
        expect(await store.getRelease("R-2")).toEqual(second);
      });

      it("answers undefined for a release that does not exist", async () => {
        await store.insertRelease(newRelease());
        expect(await store.getRelease("R-2")).toBeUndefined();
        expect(await store.getRelease("R-999")).toBeUndefined();
        expect(await store.getRelease("not-an-id")).toBeUndefined();
      });

      it("updates only the patched fields and returns the release as it now is", async () => {
        const created = await store.insertRelease(newRelease());
        const updated = await store.updateRelease(created.id, { state: "held", stateReason: "waiting for QA", scheduledAt: T + 60_000 });
        expect(updated).toEqual({ ...created, state: "held", stateReason: "waiting for QA", scheduledAt: T + 60_000 });
        expect(await store.getRelease(created.id)).toEqual(updated);
        const cleared = await store.updateRelease(created.id, { stateReason: null, scheduledAt: null });
        expect(cleared).toEqual({ ...updated, stateReason: null, scheduledAt: null });
        expect(await store.getRelease(created.id)).toEqual(cleared);
      });

      it("counts releases by state in the database, leaving out states with none", async () => {
        expect(await store.countReleasesByState()).toEqual({});
        await store.insertRelease(newRelease());
        await store.insertRelease(newRelease({ state: "held" }));
        await store.insertRelease(newRelease());
        await store.insertRelease(newRelease({ state: "shipped" }));
        expect(await store.countReleasesByState()).toEqual({ voting: 2, held: 1, shipped: 1 });
      });

      it("rejects an update of a release that does not exist, and creates nothing", async () => {
        await expect(store.updateRelease("R-7", { state: "held" })).rejects.toThrow();
        expect(await store.listReleases({})).toEqual([]);
      });

      it("lists releases newest first, filtered by states, channel and limit", async () => {
        const r1 = await store.insertRelease(newRelease());
        const r2 = await store.insertRelease(newRelease({ state: "held", channel: OTHER_CHANNEL }));
        const r3 = await store.insertRelease(newRelease({ state: "shipped" }));
        const r4 = await store.insertRelease(newRelease({ state: "voting", channel: OTHER_CHANNEL }));
        const ids = (rs: Release[]) => rs.map((r) => r.id);
        expect(await store.listReleases({})).toEqual([r4, r3, r2, r1]);
        expect(ids(await store.listReleases({ states: ["voting"] }))).toEqual([r4.id, r1.id]);
        expect(ids(await store.listReleases({ states: ["voting", "held"] }))).toEqual([r4.id, r2.id, r1.id]);
        expect(ids(await store.listReleases({ states: [] }))).toEqual([]);
        expect(ids(await store.listReleases({ channelKey: OTHER_CHANNEL.key }))).toEqual([r4.id, r2.id]);
        expect(ids(await store.listReleases({ channelKey: "slack:T1:nowhere" }))).toEqual([]);
        expect(ids(await store.listReleases({ limit: 2 }))).toEqual([r4.id, r3.id]);
        expect(ids(await store.listReleases({ states: ["voting", "shipped"], channelKey: CHANNEL.key, limit: 1 }))).toEqual([r3.id]);
      });

      it("finds a service's releases by version and creation time, newest first", async () => {
        const r1 = await store.insertRelease(newRelease({ version: "1.0.0", createdAt: T }));
        const r2 = await store.insertRelease(newRelease({ service: "search", version: "1.0.0", createdAt: T + 10 }));
        const r3 = await store.insertRelease(newRelease({ version: "1.1.0", createdAt: T + 20 }));
        const r4 = await store.insertRelease(newRelease({ version: "1.0.0", createdAt: T + 30 }));
        const ids = (rs: Release[]) => rs.map((r) => r.id);
        expect(ids(await store.findReleases({}))).toEqual([r4.id, r3.id, r2.id, r1.id]);
        expect(ids(await store.findReleases({ service: "payments" }))).toEqual([r4.id, r3.id, r1.id]);
        expect(ids(await store.findReleases({ service: "payments", version: "1.0.0" }))).toEqual([r4.id, r1.id]);
        expect(ids(await store.findReleases({ version: "1.0.0" }))).toEqual([r4.id, r2.id, r1.id]);
        // `activeSince` finds what may have an event since: created since, or not closed before (both inclusive).
        await store.updateRelease(r1.id, { closedAt: T + 5 });
        await store.updateRelease(r3.id, { closedAt: T + 25 });
        expect(ids(await store.findReleases({ service: "payments", activeSince: T + 20 }))).toEqual([r4.id, r3.id]);
        expect(ids(await store.findReleases({ service: "payments", activeSince: T + 25 }))).toEqual([r4.id, r3.id]);
        expect(ids(await store.findReleases({ service: "payments", activeSince: T + 26 }))).toEqual([r4.id]);
        expect(ids(await store.findReleases({ service: "search", activeSince: T + 1_000 }))).toEqual([r2.id]);
        expect(await store.findReleases({ service: "nothing" })).toEqual([]);
      });
    });

    describe("votes", () => {
      beforeEach(async () => {
        await store.insertRelease(newRelease());
        await store.insertRelease(newRelease({ version: "2.0.0" }));
      });

      it("keeps one current vote per voter, in vote-time order; a changed vote replaces the old one and moves to the end", async () => {
        const bob = vote("slack:T1:bob", "go", T + 1, { roles: ["qa"] });
        const carol = vote("slack:T1:carol", "no_go", T + 2, { reason: "flaky test" });
        const dave = vote("slack:T1:dave", "abstain", T + 3);
        for (const v of [bob, carol, dave]) await store.upsertVote("R-1", v);
        expect(await store.getVotes("R-1")).toEqual([bob, carol, dave]);

        const bobAgain = vote("slack:T1:bob", "no_go", T + 4, { reason: "found a bug", roles: ["qa", "sre"] });
        await store.upsertVote("R-1", bobAgain);
        expect(await store.getVotes("R-1")).toEqual([carol, dave, bobAgain]);
        expect(await store.getVote("R-1", "slack:T1:bob")).toEqual(bobAgain);
        const current = await store.currentVotes("R-1");
        expect([...current.keys()]).toEqual(["slack:T1:carol", "slack:T1:dave", "slack:T1:bob"]);
        expect(current.get("slack:T1:bob")).toEqual(bobAgain);
        expect(current.size).toBe(3);
      });

      it("keeps each release's votes apart and answers empty for a release without votes", async () => {
        await store.upsertVote("R-1", vote("slack:T1:bob", "go", T + 1));
        expect(await store.getVotes("R-2")).toEqual([]);
        expect((await store.currentVotes("R-2")).size).toBe(0);
        expect(await store.getVote("R-2", "slack:T1:bob")).toBeUndefined();
        expect(await store.getVote("R-1", "slack:T1:nobody")).toBeUndefined();
      });

      it("deletes one voter's vote, saying whether there was one", async () => {
        await store.upsertVote("R-1", vote("slack:T1:bob", "go", T + 1));
        await store.upsertVote("R-1", vote("slack:T1:carol", "go", T + 2));
        expect(await store.deleteVote("R-1", "slack:T1:bob")).toBe(true);
        expect(await store.deleteVote("R-1", "slack:T1:bob")).toBe(false);
        expect(await store.deleteVote("R-2", "slack:T1:carol")).toBe(false);
        expect((await store.getVotes("R-1")).map((v) => v.voter)).toEqual(["slack:T1:carol"]);
        expect(await store.getVote("R-1", "slack:T1:bob")).toBeUndefined();
        expect([...(await store.currentVotes("R-1")).keys()]).toEqual(["slack:T1:carol"]);
      });

      it("clears a release's votes, counting them, and leaves other releases' votes alone", async () => {
        await store.upsertVote("R-1", vote("slack:T1:bob", "go", T + 1));
        await store.upsertVote("R-1", vote("slack:T1:carol", "go", T + 2));
        await store.upsertVote("R-2", vote("slack:T1:bob", "go", T + 3));
        expect(await store.clearVotes("R-1")).toBe(2);
        expect(await store.clearVotes("R-1")).toBe(0);
        expect(await store.getVotes("R-1")).toEqual([]);
        expect(await store.getVote("R-1", "slack:T1:bob")).toBeUndefined();
        expect((await store.currentVotes("R-1")).size).toBe(0);
        expect((await store.getVotes("R-2")).map((v) => v.voter)).toEqual(["slack:T1:bob"]);
      });

      it("counts the votes of many releases in one call, leaving out releases without votes; inside a transaction its own writes count", async () => {
        await store.upsertVote("R-1", vote("slack:T1:bob", "go", T + 1));
        await store.upsertVote("R-1", vote("slack:T1:carol", "no_go", T + 2, { reason: "flaky" }));
        await store.upsertVote("R-1", vote("slack:T1:bob", "abstain", T + 3)); // a changed vote is still one
        // R-2 last among 700 ids: past the first chunk of any IN list.
        const ids = ["R-1", ...Array.from({ length: 698 }, (_, i) => `R-${i + 3}`), "R-2"];
        expect(await store.countVotes(ids)).toEqual(new Map([["R-1", 2]]));
        const inside = await store.transaction(async (tx) => {
          await tx.deleteVote("R-1", "slack:T1:carol");
          // Read first, as a press does: a store may then hold the write back until COMMIT.
          expect(await tx.getVote("R-2", "slack:T1:dave")).toBeUndefined();
          await tx.upsertVote("R-2", vote("slack:T1:dave", "go", T + 4));
          return tx.countVotes(ids);
        });
        expect(inside).toEqual(new Map([["R-1", 1], ["R-2", 1]]));
        expect(await store.countVotes([])).toEqual(new Map());
      });

      it("stores a copy of the vote it is given: changing the caller's object afterwards changes nothing", async () => {
        const v = vote("slack:T1:bob", "go", T + 1, { roles: ["qa"] });
        await store.upsertVote("R-1", v);
        v.roles.push("admin");
        v.choice = "no_go";
        expect(await store.getVote("R-1", "slack:T1:bob")).toEqual(vote("slack:T1:bob", "go", T + 1, { roles: ["qa"] }));
      });
    });

    describe("readiness criteria", () => {
      beforeEach(async () => {
        await store.insertRelease(newRelease());
        await store.insertRelease(newRelease({ version: "2.0.0" }));
      });
      const specs = [
        { name: "tests", role: "qa" },
        { name: "rollback-plan", role: "release-manager" },
        { name: "changelog", role: null },
      ];

      it("keeps a release's criteria in the order they were given, all pending, and none for another release", async () => {
        await store.replaceCriteria("R-1", freshCriteria(specs));
        expect(await store.listCriteria("R-1")).toEqual(freshCriteria(specs));
        expect((await store.listCriteria("R-1")).map((c) => c.name)).toEqual(["tests", "rollback-plan", "changelog"]);
        expect(await store.listCriteria("R-2")).toEqual([]);
        expect(await store.listCriteria("R-999")).toEqual([]);
      });

      it("saves one criterion's status and evidence by name, round-tripping every field, and says false for a name it does not have", async () => {
        await store.replaceCriteria("R-1", freshCriteria(specs));
        const failed: Criterion = { name: "tests", role: "qa", status: "failed", setBy: "gonogo:pipeline", setByName: "the pipeline", source: "ci", at: T + 5, note: "2 failing", url: "https://ci.example/run/7", ciOwned: true };
        expect(await store.saveCriterion("R-1", failed)).toBe(true);
        expect(await store.saveCriterion("R-1", { ...failed, name: "nope" })).toBe(false);
        expect(await store.saveCriterion("R-2", failed)).toBe(false);
        const [tests, ...rest] = await store.listCriteria("R-1");
        expect(tests).toEqual(failed);
        expect(rest).toEqual(freshCriteria(specs).slice(1));
      });

      it("replaces the whole list, and an empty list removes them", async () => {
        await store.replaceCriteria("R-1", freshCriteria(specs));
        await store.replaceCriteria("R-1", freshCriteria([{ name: "docs", role: null }, { name: "tests", role: "qa" }]));
        expect((await store.listCriteria("R-1")).map((c) => c.name)).toEqual(["docs", "tests"]);
        await store.replaceCriteria("R-1", []);
        expect(await store.listCriteria("R-1")).toEqual([]);
      });
    });

    describe("the audit trail", () => {
      it("lists a release's events oldest first, and only that release's", async () => {
        await store.appendAudit(event("release_created", T, "R-1", { service: "payments" }));
        await store.appendAudit(event("release_created", T + 1, "R-2"));
        await store.appendAudit(event("role_granted", T + 2, null, { role: "qa" }));
        await store.appendAudit(event("vote_cast", T + 3, "R-1", { choice: "go" }));
        expect(await store.listAudit("R-1")).toEqual([event("release_created", T, "R-1", { service: "payments" }), event("vote_cast", T + 3, "R-1", { choice: "go" })]);
        expect(await store.listAudit("R-3")).toEqual([]);
      });

      it("lists the events of some types of many releases at once, each release's oldest first; inside a transaction its own appends too", async () => {
        await store.appendAudit(event("release_created", T, "R-1"));
        await store.appendAudit(event("decision_go", T + 1, "R-2"));
        await store.appendAudit(event("decision_go", T + 2, "R-1"));
        await store.appendAudit(event("decision_go", T + 3, null));
        await store.appendAudit(event("deploy_failed", T + 4, "R-1", { status: 500 }));
        const ids = ["R-1", ...Array.from({ length: 600 }, (_, i) => `R-${i + 3}`), "R-2"];
        const listed = await store.listAuditOf(ids, ["decision_go", "deploy_failed"]);
        expect(listed.filter((e) => e.releaseId === "R-1")).toEqual([event("decision_go", T + 2, "R-1"), event("deploy_failed", T + 4, "R-1", { status: 500 })]);
        expect(listed.filter((e) => e.releaseId === "R-2")).toEqual([event("decision_go", T + 1, "R-2")]);
        expect(listed).toHaveLength(3);
        expect(await store.listAuditOf(["R-1"], [])).toEqual([]);
        const inside = await store.transaction(async (tx) => {
          await tx.appendAudit(event("decision_go", T + 5, "R-2"));
          return tx.listAuditOf(["R-2"], ["decision_go"]);
        });
        expect(inside.map((e) => e.at)).toEqual([T + 1, T + 5]);
      });

      it("exports events in a time range, bounds included, oldest first, with increasing ids and a hash each", async () => {
        for (let i = 0; i < 5; i++) await store.appendAudit(event(`e${i}`, T + i * 10, i % 2 ? "R-1" : null));
        const range = await store.listAuditRange(T + 10, T + 30);
        expect(range.map((e) => e.type)).toEqual(["e1", "e2", "e3"]);
        expect(range.map(({ id: _id, hash: _hash, ...e }) => e)).toEqual([event("e1", T + 10, "R-1"), event("e2", T + 20, null), event("e3", T + 30, "R-1")]);
        const ids = range.map((e) => e.id);
        expect([...ids].sort((a, b) => a - b)).toEqual(ids);
        expect(new Set(ids).size).toBe(3);
        for (const e of range) expect(e.hash).toMatch(/\S/);
        expect(new Set(range.map((e) => e.hash)).size).toBe(3);
        expect(await store.listAuditRange(T + 41, T + 100)).toEqual([]);
        expect((await store.listAuditRange(T, T)).map((e) => e.type)).toEqual(["e0"]);
      });

      it("reads a snapshot as it stood when it began, while a transaction commits beside it", async () => {
        await store.insertRelease(newRelease());
        for (let i = 0; i < 5; i++) await store.appendAudit(event(`e${i}`, T + i * 10, i % 2 ? "R-1" : null));
        const seen = await store.readSnapshot(async (snapshot) => {
          const first = await allPages(snapshot, T + 10, T + 30);
          // A writer does not wait for the snapshot (awaited here, it would never end if it did).
          await store.transaction(async (tx) => {
            await tx.appendAudit(event("later", T + 20, "R-1"));
            await tx.updateRelease("R-1", { state: "held", stateReason: "freeze" });
          });
          return { first, again: await allPages(snapshot, T + 10, T + 30), release: await snapshot.getRelease("R-1"), none: await snapshot.getRelease("R-9") };
        });
        expect(seen.first.map(({ id: _id, hash: _hash, ...e }) => e)).toEqual([event("e1", T + 10, "R-1"), event("e2", T + 20, null), event("e3", T + 30, "R-1")]);
        expect(seen.again).toEqual(seen.first);
        for (const e of seen.first) expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(seen.release).toMatchObject({ id: "R-1", state: "voting", channel: CHANNEL });
        expect(seen.none).toBeUndefined();
        // A snapshot begun after the commit sees it.
        expect((await store.readSnapshot((snapshot) => allPages(snapshot, T + 10, T + 30))).map((e) => e.type)).toEqual(["e1", "e2", "e3", "later"]);
        expect((await store.readSnapshot((snapshot) => snapshot.getRelease("R-1")))?.state).toBe("held");
      });

      it("pages a snapshot through a long trail: every event in the range once, oldest first, none outside it", async () => {
        await store.transaction(async (tx) => {
          for (let i = 0; i < 4_500; i++) await tx.appendAudit(event("vote_cast", T + i, "R-1", { i }));
        });
        const [middle, late, none] = await store.readSnapshot(async (snapshot) => [await allPages(snapshot, T + 100, T + 4_000), await allPages(snapshot, T + 2_500, T + 2_600), await allPages(snapshot, T + 5_000, T + 6_000)]);
        expect(middle.map((e) => e.data.i)).toEqual(Array.from({ length: 3_901 }, (_, i) => i + 100));
        expect(new Set(middle.map((e) => e.id)).size).toBe(3_901);
        expect(late.map((e) => e.data.i)).toEqual(Array.from({ length: 101 }, (_, i) => i + 2_500));
        expect(none).toEqual([]);
      });

      it("refuses a snapshot inside a transaction, which would not see the transaction's own writes", async () => {
        await expect(store.transaction((tx) => tx.readSnapshot(() => Promise.resolve("read")))).rejects.toThrow(/outside a transaction/);
        expect(await store.readSnapshot(() => Promise.resolve("read"))).toBe("read");
      });

      it("walks a snapshot's chain as the store's own check does: the same report, intact or with its head recorded", async () => {
        const check = (recorded?: { id: number; hash: string }) => store.readSnapshot((snapshot) => snapshot.verifyAudit(recorded));
        expect(await check()).toEqual({ ok: true, count: 0, head: null });
        // More rows than one page of any store, over many transactions.
        for (let i = 0; i < 5; i++) {
          await store.transaction(async (tx) => {
            for (let j = 0; j < 1_300; j++) await tx.appendAudit(event("vote_cast", T + i, "R-1", { i, j }));
          });
        }
        const report = await check();
        expect(report).toEqual(await store.verifyAudit());
        if (!report.ok || !report.head) throw new Error("expected an intact trail with a head");
        expect(report.count).toBe(6_500);
        expect(await check(report.head)).toEqual({ ok: true, count: 6_500, head: report.head });
        const earlier = { id: report.head.id - 10, hash: "0".repeat(64) };
        expect(await check(earlier)).toEqual(await store.verifyAudit(earlier));
        expect(await check(earlier)).toMatchObject({ ok: false, brokenAt: earlier.id, problem: expect.stringContaining("no longer has the hash recorded") });
        const gone = { id: report.head.id + 100, hash: report.head.hash };
        expect(await check(gone)).toEqual({ ok: false, count: 6_501, brokenAt: gone.id, problem: `row ${gone.id}, recorded earlier, is gone (rows were deleted from the trail)` });
      });

      it("walks a snapshot's chain as it stood when the snapshot began, while transactions commit beside it", async () => {
        for (let i = 0; i < 3; i++) await store.appendAudit(event("note", T + i, null));
        const seen = await store.readSnapshot(async (snapshot) => {
          // A writer does not wait for the walk (awaited here, it would never end if it did).
          await store.transaction((tx) => tx.appendAudit(event("later", T + 5, null)));
          return snapshot.verifyAudit();
        });
        expect(seen).toMatchObject({ ok: true, count: 3 });
        expect(await store.readSnapshot((snapshot) => snapshot.verifyAudit())).toMatchObject({ ok: true, count: 4 });
      });

      it("names the first broken link of a tampered trail, in a snapshot's walk as in the store's own", async () => {
        await store.transaction(async (tx) => {
          for (let i = 0; i < 2_500; i++) await tx.appendAudit(event("note", T + i, null));
        });
        const report = await store.verifyAudit();
        if (!report.ok || !report.head) throw new Error("expected an intact trail with a head");
        const tampered = report.head.id - 1_000;
        await subject.tamperAudit(tampered, "rewritten");
        const broken = { ok: false, count: 1_500, brokenAt: tampered, problem: `row ${tampered} was changed after it was written` };
        expect(await store.readSnapshot((snapshot) => snapshot.verifyAudit())).toEqual(broken);
        expect(await store.verifyAudit()).toEqual(broken);
      });

      it("verifies an empty trail, and a trail built over many transactions, counting every event", async () => {
        expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 0 });
        for (let i = 0; i < 20; i++) {
          await store.transaction(async (tx) => {
            await tx.appendAudit(event("vote_cast", T + i, "R-1", { n: i }));
            await tx.appendAudit(event("decision", T + i, "R-1", { n: i }));
          });
          await store.appendAudit(event("note", T + i, null));
        }
        expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 60 });
      });

      it("reports the head, and checks a head recorded earlier: still there with the same hash", async () => {
        expect(await store.verifyAudit()).toEqual({ ok: true, count: 0, head: null });
        for (let i = 0; i < 3; i++) await store.appendAudit(event("note", T + i, null));
        const report = await store.verifyAudit();
        if (!report.ok || !report.head) throw new Error("expected an intact trail with a head");
        expect(report.head.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(await store.verifyAudit(report.head)).toMatchObject({ ok: true, count: 3 });
        await store.appendAudit(event("note", T + 3, null));
        expect(await store.verifyAudit(report.head)).toMatchObject({ ok: true, count: 4, head: { id: expect.any(Number) } });
        expect(await store.verifyAudit({ id: report.head.id, hash: "0".repeat(64) })).toMatchObject({ ok: false, brokenAt: report.head.id, problem: expect.stringContaining("no longer has the hash recorded") });
        expect(await store.verifyAudit({ id: report.head.id + 100, hash: report.head.hash })).toMatchObject({ ok: false, brokenAt: report.head.id + 100, problem: expect.stringContaining("is gone") });
      });

      it("keeps the chain whole after a rolled-back transaction: no fork and no link to the events that were undone", async () => {
        await store.appendAudit(event("first", T));
        const boom = new Error("boom");
        await expect(
          store.transaction(async (tx) => {
            await tx.appendAudit(event("undone-1", T + 1));
            await tx.appendAudit(event("undone-2", T + 2));
            throw boom;
          }),
        ).rejects.toBe(boom);
        await store.appendAudit(event("after", T + 3));
        await store.transaction(async (tx) => tx.appendAudit(event("after-tx", T + 4)));
        expect((await store.listAudit("R-1")).map((e) => e.type)).toEqual(["first", "after", "after-tx"]);
        expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 3 });
      });

      it("remembers an inbound hook's id once: a replay of its report is 'same', another report under it 'different'", async () => {
        expect(await store.recordHookReceipt("sig-1", T, "report-a")).toBe("new");
        expect(await store.recordHookReceipt("sig-1", T + 5, "report-a")).toBe("same");
        expect(await store.recordHookReceipt("sig-1", T + 6, "report-b")).toBe("different");
        expect(await store.recordHookReceipt("sig-2", T + 5, "report-b")).toBe("new");
      });

      it("forgets hook receipts recorded before a time, counting them; a later one still tells a replay from another report", async () => {
        await store.recordHookReceipt("old-1", T - 8 * DAY, "report-a");
        await store.recordHookReceipt("old-2", T - 7 * DAY - 1, "report-a");
        await store.recordHookReceipt("recent", T - DAY, "report-a");
        expect(await store.forgetHookReceipts(T - 7 * DAY)).toBe(2);
        expect(await store.forgetHookReceipts(T - 7 * DAY)).toBe(0);
        expect(await store.recordHookReceipt("recent", T, "report-a")).toBe("same");
        expect(await store.recordHookReceipt("recent", T, "report-b")).toBe("different");
        expect(await store.recordHookReceipt("old-1", T, "report-b")).toBe("new");
      });

      it("forgets a hook receipt recorded in a transaction that rolled back", async () => {
        await expect(
          store.transaction(async (tx) => {
            expect(await tx.recordHookReceipt("sig-1", T, "report-a")).toBe("new");
            throw new Error("the hook's change failed");
          }),
        ).rejects.toThrow("the hook's change failed");
        expect(await store.recordHookReceipt("sig-1", T + 1, "report-a")).toBe("new");
      });

      it("claims a platform event id once, keeps it after commit and forgets it after a rollback", async () => {
        expect(await store.transaction((tx) => tx.claimEvent("discord:1001", T))).toBe(true);
        expect(await store.transaction((tx) => tx.claimEvent("discord:1001", T + 5))).toBe(false);
        expect(await store.claimEvent("slack:trigger-7", T + 5)).toBe(true);
        await expect(
          store.transaction(async (tx) => {
            expect(await tx.claimEvent("discord:1002", T)).toBe(true);
            throw new Error("the vote's change failed");
          }),
        ).rejects.toThrow("the vote's change failed");
        // The effect rolled back, so the claim did too: a redelivery is handled afresh.
        expect(await store.claimEvent("discord:1002", T + 1)).toBe(true);
      });

      it("a transaction given a claim runs only when the claim is new: a second delivery changes nothing, a rolled-back one leaves it free", async () => {
        const r = await store.insertRelease(newRelease());
        const press = (id: string, voter: string) =>
          store.transaction(async (tx) => {
            await tx.upsertVote(r.id, vote(voter, "go", T));
            return voter;
          }, { id, at: T });
        expect(await press("slack:trigger-1", "slack:T1:U1")).toBe("slack:T1:U1");
        await expect(press("slack:trigger-1", "slack:T1:U2")).rejects.toBeInstanceOf(EventClaimedBefore);
        await expect(store.transaction(() => Promise.reject(new Error("the vote's change failed")), { id: "slack:trigger-2", at: T })).rejects.toThrow("the vote's change failed");
        expect(await press("slack:trigger-2", "slack:T1:U3")).toBe("slack:T1:U3");
        // Two deliveries of one event started together: one runs, the other is refused.
        const both = await Promise.allSettled([press("discord:77", "slack:T1:U4"), press("discord:77", "slack:T1:U5")]);
        expect(both.map((b) => b.status).sort()).toEqual(["fulfilled", "rejected"]);
        expect((await store.getVotes(r.id)).map((v) => v.voter).sort()).toEqual(["slack:T1:U1", "slack:T1:U3", both[0].status === "fulfilled" ? "slack:T1:U4" : "slack:T1:U5"].sort());
        expect(await store.claimEvent("discord:77", T)).toBe(false);
        // Two deliveries that queued together behind another transaction, the first failing: the second still runs.
        const before = press("slack:trigger-3", "slack:T1:U5");
        const failing = store.transaction(() => Promise.reject(new Error("the first delivery failed")), { id: "discord:78", at: T });
        const [, first, second] = await Promise.allSettled([before, failing, press("discord:78", "slack:T1:U7")]);
        expect(first).toMatchObject({ status: "rejected", reason: { message: "the first delivery failed" } });
        expect(second).toEqual({ status: "fulfilled", value: "slack:T1:U7" });
      });

      it("forgets claims made before a cut-off, and only those, so the table does not grow for ever", async () => {
        await store.claimEvent("old-1", T - 2 * DAY);
        await store.claimEvent("old-2", T - DAY - 1);
        await store.claimEvent("recent", T - 1000);
        expect(await store.forgetEventClaims(T - DAY)).toBe(2);
        expect(await store.forgetEventClaims(T - DAY)).toBe(0);
        expect(await store.claimEvent("old-1", T)).toBe(true);
        expect(await store.claimEvent("recent", T)).toBe(false);
      });
    });

    describe("policies and role bindings", () => {
      it("answers undefined for a channel without a policy, and replaces a channel's policy whole", async () => {
        expect(await store.getPolicy(CHANNEL.key)).toBeUndefined();
        const strict: Partial<Policy> = { quorum: 3, require: ["qa", "sre"], veto: true, reminders: [60, 0] };
        await store.setPolicy(CHANNEL.key, strict);
        expect(await store.getPolicy(CHANNEL.key)).toEqual(strict);
        expect(await store.getPolicy(OTHER_CHANNEL.key)).toBeUndefined();
        await store.setPolicy(CHANNEL.key, { quorum: 1 });
        expect(await store.getPolicy(CHANNEL.key)).toEqual({ quorum: 1 });
      });

      it("grants a role once, keeping the first grant on a duplicate, and lists bindings by subject", async () => {
        const grant = { subject: "slack:T1:bob", role: "qa", grantedBy: "slack:T1:U1", at: T };
        expect(await store.grantRole(grant)).toBe(true);
        expect(await store.grantRole({ ...grant, grantedBy: "slack:T1:mallory", at: T + 9 })).toBe(false);
        expect(await store.grantRole({ subject: "slack:T1:bob", role: "sre", grantedBy: "slack:T1:U1", at: T + 1 })).toBe(true);
        expect(await store.grantRole({ subject: "slack-group:T1:S9", role: "qa", grantedBy: "slack:T1:U1", at: T + 2 })).toBe(true);

        const byKey = (a: { subject: string; role: string }, b: { subject: string; role: string }) => `${a.subject}/${a.role}`.localeCompare(`${b.subject}/${b.role}`);
        expect((await store.listRoleBindings()).sort(byKey)).toEqual(
          [grant, { subject: "slack:T1:bob", role: "sre", grantedBy: "slack:T1:U1", at: T + 1 }, { subject: "slack-group:T1:S9", role: "qa", grantedBy: "slack:T1:U1", at: T + 2 }].sort(byKey),
        );
        expect((await store.listRoleBindings(["slack:T1:bob"])).sort(byKey)).toEqual([grant, { subject: "slack:T1:bob", role: "sre", grantedBy: "slack:T1:U1", at: T + 1 }]);
        expect((await store.listRoleBindings(["slack-group:T1:S9", "slack:T1:nobody"])).map((b) => b.subject)).toEqual(["slack-group:T1:S9"]);
        expect(await store.listRoleBindings([])).toEqual([]);
      });

      it("revokes a role, saying whether it was held", async () => {
        await store.grantRole({ subject: "slack:T1:bob", role: "qa", grantedBy: "slack:T1:U1", at: T });
        await store.grantRole({ subject: "slack:T1:bob", role: "sre", grantedBy: "slack:T1:U1", at: T });
        expect(await store.revokeRole("slack:T1:bob", "qa")).toBe(true);
        expect(await store.revokeRole("slack:T1:bob", "qa")).toBe(false);
        expect(await store.revokeRole("slack:T1:carol", "sre")).toBe(false);
        expect((await store.listRoleBindings(["slack:T1:bob"])).map((b) => b.role)).toEqual(["sre"]);
        expect(await store.grantRole({ subject: "slack:T1:bob", role: "qa", grantedBy: "slack:T1:U1", at: T + 1 })).toBe(true);
      });
    });

    describe("card message refs", () => {
      beforeEach(async () => {
        await store.insertRelease(newRelease());
        await store.insertRelease(newRelease());
      });

      it("keeps one copy of the card per platform and channel: posting again replaces the message id", async () => {
        await store.addMessageRef("R-1", ref(CHANNEL, "1700000000.000100"));
        await store.addMessageRef("R-1", ref(OTHER_CHANNEL, "998877"));
        expect(sortRefs(await store.listMessageRefs("R-1"))).toEqual(sortRefs([ref(CHANNEL, "1700000000.000100"), ref(OTHER_CHANNEL, "998877")]));
        await store.addMessageRef("R-1", ref(CHANNEL, "1700000000.000200"));
        expect(sortRefs(await store.listMessageRefs("R-1"))).toEqual(sortRefs([ref(CHANNEL, "1700000000.000200"), ref(OTHER_CHANNEL, "998877")]));
        expect(await store.listMessageRefs("R-2")).toEqual([]);
      });

      it("forgets the copy at a ref, and only that copy", async () => {
        await store.addMessageRef("R-1", ref(CHANNEL, "m1"));
        await store.addMessageRef("R-1", ref(OTHER_CHANNEL, "m2"));
        await store.addMessageRef("R-2", ref(CHANNEL, "m3"));
        await store.removeMessageRef("R-1", ref(CHANNEL, "m1"));
        expect(await store.listMessageRefs("R-1")).toEqual([ref(OTHER_CHANNEL, "m2")]);
        expect(await store.listMessageRefs("R-2")).toEqual([ref(CHANNEL, "m3")]);
      });

      it("does not forget a newer copy when an older message in the same channel is reported deleted", async () => {
        await store.addMessageRef("R-1", ref(CHANNEL, "old"));
        await store.addMessageRef("R-1", ref(CHANNEL, "new"));
        await store.removeMessageRef("R-1", ref(CHANNEL, "old"));
        expect(await store.listMessageRefs("R-1")).toEqual([ref(CHANNEL, "new")]);
      });
    });

    describe("card leases (several instances on one database)", () => {
      const LEASE = 5_000;
      const CARD = ref(CHANNEL, "1700000000.000100");
      beforeEach(async () => {
        await store.insertRelease(newRelease());
        await store.addMessageRef("R-1", CARD);
      });

      it("the first instance to mark a card out of date takes its lease; a mark by another while it is held only counts", async () => {
        const a = await store.markCardDirty("R-1", CARD, "A", T, LEASE);
        expect(a).toEqual({ releaseId: "R-1", ref: CARD, holder: "A", leaseUntil: T + LEASE, lastEditAt: 0, version: 1, rendered: 0 });
        const b = await store.markCardDirty("R-1", CARD, "B", T + 10, LEASE);
        expect(b).toMatchObject({ holder: "A", leaseUntil: T + LEASE, version: 2 });
        expect(await store.takeCardLease(CARD, "B", T + 20, LEASE)).toBeNull();
        expect(await store.takeCardLease(CARD, "A", T + 20, LEASE)).toMatchObject({ holder: "A", leaseUntil: T + 20 + LEASE, version: 2 });
      });

      it("the holder lets go only when its edit shows the newest version, and the edit time is kept for the next holder", async () => {
        await store.markCardDirty("R-1", CARD, "A", T, LEASE);
        await store.markCardDirty("R-1", CARD, "B", T + 1, LEASE);
        // A rendered version 1, but B's change (version 2) came in meanwhile: A keeps the lease.
        expect(await store.settleCardLease(CARD, "A", T + 100, LEASE, 1, T + 100)).toMatchObject({ holder: "A", leaseUntil: T + 100 + LEASE, lastEditAt: T + 100, rendered: 1, version: 2 });
        expect(await store.settleCardLease(CARD, "A", T + 1200, LEASE, 2, T + 1200)).toMatchObject({ holder: null, lastEditAt: T + 1200, rendered: 2, version: 2 });
        // Free now: the next mark, from anyone, takes it and sees when the card was last edited.
        expect(await store.markCardDirty("R-1", CARD, "B", T + 1300, LEASE)).toMatchObject({ holder: "B", lastEditAt: T + 1200, version: 3, rendered: 2 });
        expect(await store.settleCardLease(CARD, "A", T + 1400, LEASE, 3, T + 1400)).toBeNull();
      });

      it("a card whose holder died is taken over once the lease ends, by one instance only, and only while out of date", async () => {
        await store.markCardDirty("R-1", CARD, "A", T, LEASE);
        expect(await store.claimStaleCards("B", T + LEASE - 1, LEASE, 10)).toEqual([]);
        const [taken, ...more] = await store.claimStaleCards("B", T + LEASE, LEASE, 10);
        expect(more).toEqual([]);
        expect(taken).toMatchObject({ releaseId: "R-1", ref: CARD, holder: "B", leaseUntil: T + 2 * LEASE, version: 1 });
        expect(await store.claimStaleCards("C", T + LEASE, LEASE, 10)).toEqual([]);
        await store.settleCardLease(CARD, "B", T + LEASE + 5, LEASE, 1, T + LEASE + 5);
        expect(await store.claimStaleCards("C", T + 10 * LEASE, LEASE, 10)).toEqual([]);
      });

      it("an instance shutting down lets go of its leases at once: an out-of-date card is free to claim before its lease would end", async () => {
        await store.markCardDirty("R-1", CARD, "A", T, LEASE);
        expect(await store.releaseCardLeases("A")).toBe(1);
        expect(await store.releaseCardLeases("A")).toBe(0);
        expect(await store.claimStaleCards("B", T + 1, LEASE, 10)).toMatchObject([{ holder: "B", version: 1, rendered: 0 }]);
      });

      it("a card just posted counts as edited at its post: the first mark, by anyone, sees the post's time, and nothing is out of date before it", async () => {
        const POSTED = ref(CHANNEL, "1700000000.000200");
        await store.recordCardPost("R-1", POSTED, T);
        await store.addMessageRef("R-1", POSTED);
        expect(await store.claimStaleCards("B", T + 10 * LEASE, LEASE, 10)).toEqual([]);
        expect(await store.markCardDirty("R-1", POSTED, "A", T + 10, LEASE)).toEqual({ releaseId: "R-1", ref: POSTED, holder: "A", leaseUntil: T + 10 + LEASE, lastEditAt: T, version: 1, rendered: 0 });
        // A record of the post that arrives late never moves a later edit's time back.
        await store.settleCardLease(POSTED, "A", T + 1_000, LEASE, 1, T + 1_000);
        await store.recordCardPost("R-1", POSTED, T);
        expect(await store.markCardDirty("R-1", POSTED, "B", T + 1_100, LEASE)).toMatchObject({ holder: "B", lastEditAt: T + 1_000, version: 2, rendered: 1 });
      });

      it("a change marks every posted copy of its release out of date inside its transaction: committed, any instance's sweep finds it; rolled back, nothing changed", async () => {
        const OTHER = ref(CHANNEL, "1700000000.000300");
        await store.recordCardPost("R-1", CARD, T);
        await store.recordCardPost("R-1", OTHER, T);
        await expect(
          store.transaction(async (tx) => {
            await tx.markCardsChanged("R-1");
            throw new Error("the use case failed");
          }),
        ).rejects.toThrow("the use case failed");
        expect(await store.claimStaleCards("B", T + 10 * LEASE, LEASE, 10)).toEqual([]);
        await store.transaction((tx) => tx.markCardsChanged("R-1"));
        // Nobody was told (its instance died right after the commit): the next sweep takes both copies.
        const taken = await store.claimStaleCards("B", T + 10 * LEASE, LEASE, 10);
        expect(taken.map((l) => [l.ref.messageId, l.holder, l.version, l.rendered]).sort()).toEqual([
          [CARD.messageId, "B", 1, 0],
          [OTHER.messageId, "B", 1, 0],
        ]);
      });

      it("forgets the settled leases of ended releases' cards edited before a time; a later change to such a card writes its lease again", async () => {
        const ENDED = ref(CHANNEL, "1700000000.000400");
        const BUSY = ref(CHANNEL, "1700000000.000500");
        await store.insertRelease(newRelease({ state: "closed" }));
        await store.insertRelease(newRelease({ state: "cancelled" }));
        for (const [id, card] of [["R-1", CARD], ["R-2", ENDED], ["R-3", BUSY]] as const) {
          await store.recordCardPost(id, card, T);
          await store.markCardDirty(id, card, "A", T + 10, LEASE);
        }
        for (const card of [CARD, ENDED]) await store.settleCardLease(card, "A", T + 20, LEASE, 1, T + 20);
        // R-3's card is still out of date (its edit failed mid-way): it is kept whatever its release's state.
        await store.settleCardLease(BUSY, "A", T + 20, LEASE, 0, null);
        expect(await store.forgetSettledCardLeases(T + 20)).toBe(0);
        // R-1 is still being decided: its settled card is kept too; R-2's goes.
        expect(await store.forgetSettledCardLeases(T + DAY)).toBe(1);
        expect(await store.takeCardLease(ENDED, "A", T + DAY, LEASE)).toBeNull();
        expect(await store.takeCardLease(CARD, "A", T + DAY, LEASE)).not.toBeNull();
        expect(await store.claimStaleCards("B", T + DAY, LEASE, 10)).toMatchObject([{ releaseId: "R-3" }]);
        expect(await store.markCardDirty("R-2", ENDED, "B", T + 2 * DAY, LEASE)).toMatchObject({ holder: "B", version: 1, rendered: 0 });
      });

      it("a card deleted in chat loses its lease too", async () => {
        await store.markCardDirty("R-1", CARD, "A", T, LEASE);
        await store.removeMessageRef("R-1", CARD);
        expect(await store.claimStaleCards("B", T + 2 * LEASE, LEASE, 10)).toEqual([]);
        expect(await store.takeCardLease(CARD, "A", T, LEASE)).toBeNull();
      });
    });

    describe("the notice outbox", () => {
      const GRACE = 10_000;
      const LEASE = 15_000;
      const notice = (releaseId: string, text: string): NoticeView => ({ releaseId, text, mention: ["slack:T1:U1"], mentionGroups: [], buttons: [{ action: "retro", label: "Open the retro", style: "primary" }] });

      it("keeps a notice written in a transaction exactly as given, and none from a rolled-back one", async () => {
        const id = await store.transaction((tx) => tx.addToOutbox(notice("R-1", "⏰ T-15m: *payments 1.4.2*"), T, GRACE));
        await expect(
          store.transaction(async (tx) => {
            await tx.addToOutbox(notice("R-1", "undone"), T, GRACE);
            throw new Error("undone");
          }),
        ).rejects.toThrow("undone");
        expect(await store.listOutbox()).toEqual([{ id, releaseId: "R-1", item: notice("R-1", "⏰ T-15m: *payments 1.4.2*"), createdAt: T, holder: null, leaseUntil: T + GRACE, attempts: 0, sentTo: [] }]);
      });

      it("keeps a card owed to a channel beside the notices, with where it goes and who shared it", async () => {
        const post = { kind: "card" as const, releaseId: "R-2", channel: { platform: "discord", key: "discord:G1:C1", nativeId: "C1" }, askedBy: "discord:G1:U1" };
        const id = await store.transaction((tx) => tx.addToOutbox(post, T, GRACE));
        expect(await store.takeFromOutbox(id, "A", T + 5, LEASE)).toMatchObject({ id, releaseId: "R-2", item: post, attempts: 1 });
        await store.addToOutbox(notice("R-3", "a notice is no card"), T, GRACE);
        expect([await store.cardPostOwed("R-2"), await store.cardPostOwed("R-3"), await store.cardPostOwed("R-4")]).toEqual([true, false, false]);
        await store.deleteFromOutbox(id);
        expect(await store.cardPostOwed("R-2")).toBe(false);
      });

      it("keeps a row its holder renews out of other sweeps, and renews nothing for anyone else", async () => {
        const id = await store.addToOutbox(notice("R-1", "slow"), T, GRACE);
        await store.takeFromOutbox(id, "A", T, LEASE);
        expect(await store.renewOutboxLease(id, "A", T + 3 * LEASE)).toBe(true);
        expect(await store.claimStaleOutbox("B", T + 2 * LEASE, LEASE, 10)).toEqual([]);
        expect(await store.renewOutboxLease(id, "B", T + 9 * LEASE)).toBe(false);
        expect(await store.claimStaleOutbox("B", T + 3 * LEASE, LEASE, 10)).toMatchObject([{ id, holder: "B", attempts: 2 }]);
      });

      it("its writer takes it during the grace, a sweep elsewhere only after it; then only the holder, until its lease ends", async () => {
        const id = await store.addToOutbox(notice("R-1", "a"), T, GRACE);
        expect(await store.claimStaleOutbox("B", T + GRACE - 1, LEASE, 10)).toEqual([]);
        expect(await store.takeFromOutbox(id, "A", T + 5, LEASE)).toMatchObject({ id, holder: "A", leaseUntil: T + 5 + LEASE, attempts: 1 });
        expect(await store.takeFromOutbox(id, "B", T + 6, LEASE)).toBeNull();
        expect(await store.claimStaleOutbox("B", T + GRACE, LEASE, 10)).toEqual([]);
        // A died while posting: once its lease ends, one sweeper takes the notice, and A's late take fails.
        const [taken, ...more] = await store.claimStaleOutbox("B", T + 5 + LEASE, LEASE, 10);
        expect(more).toEqual([]);
        expect(taken).toMatchObject({ id, holder: "B", leaseUntil: T + 5 + 2 * LEASE, attempts: 2, item: notice("R-1", "a") });
        expect(await store.claimStaleOutbox("C", T + 5 + LEASE, LEASE, 10)).toEqual([]);
        expect(await store.takeFromOutbox(id, "A", T + 5 + LEASE + 1, LEASE)).toBeNull();
      });

      it("a deleted notice is gone for every taker; a deferred one comes back to the sweep at its retry time with the copies that have it", async () => {
        const first = await store.addToOutbox(notice("R-1", "first"), T, GRACE);
        const second = await store.addToOutbox(notice("R-2", "second"), T, GRACE);
        await store.takeFromOutbox(first, "A", T, LEASE);
        await store.deleteFromOutbox(first);
        expect(await store.takeFromOutbox(first, "A", T + 1, LEASE)).toBeNull();

        await store.takeFromOutbox(second, "A", T, LEASE);
        expect(await store.deferOutbox(second, "B", ["x"], T + 100)).toBe(false);
        expect(await store.deferOutbox(second, "A", ["slack|slack:T1:C1|m1"], T + 30_000)).toBe(true);
        expect(await store.claimStaleOutbox("B", T + 29_999, LEASE, 10)).toEqual([]);
        expect(await store.claimStaleOutbox("B", T + 30_000, LEASE, 10)).toMatchObject([{ id: second, holder: "B", attempts: 2, sentTo: ["slack|slack:T1:C1|m1"] }]);
        expect((await store.listOutbox()).map((n) => n.id)).toEqual([second]);
      });

      it("a notice deferred uncounted (its copies wait for a platform still connecting) gets its attempt back; a counted deferral keeps it", async () => {
        const id = await store.addToOutbox(notice("R-1", "waits"), T, GRACE);
        await store.takeFromOutbox(id, "A", T, LEASE);
        expect(await store.deferOutbox(id, "A", ["slack|slack:T1:C1|m1"], T + 5_000, { uncounted: true })).toBe(true);
        expect(await store.claimStaleOutbox("A", T + 5_000, LEASE, 10)).toMatchObject([{ id, attempts: 1, sentTo: ["slack|slack:T1:C1|m1"] }]);
        expect(await store.deferOutbox(id, "A", ["slack|slack:T1:C1|m1"], T + 10_000, { uncounted: true })).toBe(true);
        expect(await store.claimStaleOutbox("A", T + 10_000, LEASE, 10)).toMatchObject([{ id, attempts: 1 }]);
        expect(await store.deferOutbox(id, "A", [], T + 20_000)).toBe(true);
        expect(await store.claimStaleOutbox("A", T + 20_000, LEASE, 10)).toMatchObject([{ id, attempts: 2 }]);
      });

      it("a sweep takes the oldest first, up to its limit; a process alone at start-up takes rows still in their grace", async () => {
        const ids = [];
        for (let i = 0; i < 3; i++) ids.push(await store.addToOutbox(notice("R-1", `n${i}`), T + i, GRACE));
        expect((await store.claimStaleOutbox("A", T, LEASE, 10)).map((n) => n.id)).toEqual([]);
        expect((await store.claimStaleOutbox("A", T, LEASE, 2, Number.MAX_SAFE_INTEGER)).map((n) => (n.item as NoticeView).text)).toEqual(["n0", "n1"]);
        expect((await store.claimStaleOutbox("B", T + GRACE + 2, LEASE, 10)).map((n) => n.id)).toEqual([ids[2]]);
      });

      it("a sweep takes the notices due longest first, not the lowest ids: a notice deferred to now (it waits for a platform) goes behind one due earlier", async () => {
        const waiting = await store.addToOutbox(notice("R-1", "waits"), T, GRACE);
        const failed = await store.addToOutbox(notice("R-2", "failed"), T, GRACE);
        await store.takeFromOutbox(failed, "A", T, LEASE);
        await store.deferOutbox(failed, "A", [], T + 5_000);
        await store.takeFromOutbox(waiting, "A", T + 9_000, LEASE);
        await store.deferOutbox(waiting, "A", [], T + 9_000, { uncounted: true });
        expect((await store.claimStaleOutbox("B", T + 10_000, LEASE, 1)).map((n) => n.id)).toEqual([failed]);
      });

      it("says a closed channel's manager is to be told the first time only, per release and channel, and still after a restart", async () => {
        expect(await store.markClosedChannelTold("R-1", OTHER_CHANNEL.key, T)).toBe(true);
        expect(await store.markClosedChannelTold("R-1", OTHER_CHANNEL.key, T + 1)).toBe(false);
        expect(await store.markClosedChannelTold("R-1", CHANNEL.key, T + 2)).toBe(true);
        expect(await store.markClosedChannelTold("R-2", OTHER_CHANNEL.key, T + 3)).toBe(true);
        // Two asking at the same moment (two instances): one of them tells.
        const both = await Promise.all([store.markClosedChannelTold("R-3", CHANNEL.key, T + 4), store.markClosedChannelTold("R-3", CHANNEL.key, T + 4)]);
        expect(both.sort()).toEqual([false, true]);
        const reopened = await subject.reopen();
        expect(await reopened.markClosedChannelTold("R-1", OTHER_CHANNEL.key, T + 5)).toBe(false);
      });

      it("two instances sweeping at the same moment never take the same notice", async () => {
        for (let i = 0; i < 20; i++) await store.addToOutbox(notice("R-1", `n${i}`), T, GRACE);
        const [a, b] = await Promise.all([store.claimStaleOutbox("A", T + GRACE, LEASE, 20), store.claimStaleOutbox("B", T + GRACE, LEASE, 20)]);
        const taken = [...a, ...b].map((n) => n.id);
        expect(new Set(taken).size).toBe(taken.length);
        expect(taken).toHaveLength(20);
      });
    });

    describe("jobs", () => {
      const LEASE = 60_000;

      it("keeps one pending job per release and key: planning it again replaces its time and payload", async () => {
        await store.upsertJob(job("R-1", "reminder:15", T + 100, "reminder", { minutes: 15 }));
        await store.upsertJob(job("R-2", "reminder:15", T + 100));
        await store.upsertJob(job("R-1", "reminder:15", T + 200, "reminder", { minutes: 15, replanned: true }));
        const pending = await store.listPendingJobs("R-1");
        expect(pending).toEqual([{ id: expect.any(Number), releaseId: "R-1", kind: "reminder", key: "reminder:15", dueAt: T + 200, payload: { minutes: 15, replanned: true }, attempts: 0 }]);
        expect((await store.listPendingJobs()).length).toBe(2);
      });

      it("plans a fresh job under a key whose earlier job is done", async () => {
        await store.upsertJob(job("R-1", "t0", T, "t0"));
        const [claimed] = await store.claimDueJobs(T, LEASE, 10);
        await store.completeJob(claimed!.id, T + 1);
        await store.upsertJob(job("R-1", "t0", T + 500, "t0"));
        const pending = await store.listPendingJobs("R-1");
        expect(pending).toEqual([expect.objectContaining({ key: "t0", dueAt: T + 500, attempts: 0 })]);
        expect(pending[0]!.id).not.toBe(claimed!.id);
      });

      it("cancels a release's pending jobs of the given kinds, counting them", async () => {
        await store.upsertJob(job("R-1", "reminder:60", T + 1, "reminder"));
        await store.upsertJob(job("R-1", "reminder:15", T + 2, "reminder"));
        await store.upsertJob(job("R-1", "t0", T + 3, "t0"));
        await store.upsertJob(job("R-1", "retro", T + 4, "retro_open"));
        await store.upsertJob(job("R-2", "reminder:60", T + 1, "reminder"));
        expect(await store.cancelJobs("R-1", ["reminder", "t0"])).toBe(3);
        expect(await store.cancelJobs("R-1", ["reminder"])).toBe(0);
        expect((await store.listPendingJobs("R-1")).map((j) => j.key)).toEqual(["retro"]);
        expect((await store.listPendingJobs("R-2")).map((j) => j.key)).toEqual(["reminder:60"]);
      });

      it("says whether completing a job found it still pending: a job run again after its first run committed sees it was done", async () => {
        await store.upsertJob(job("R-1", "t0", T, "t0"));
        const [claimed] = await store.claimDueJobs(T, LEASE, 10);
        expect(await store.completeJob(claimed!.id, T + 1)).toBe(true);
        expect(await store.completeJob(claimed!.id, T + 2)).toBe(false);
      });

      it("forgets jobs done before a time, counting them, and never a pending or leased one", async () => {
        for (const key of ["retro:1", "retro:2", "retro:3"]) await store.upsertJob(job("R-1", key, T, "retro_open"));
        await store.upsertJob(job("R-1", "t0", T + DAY, "t0"));
        const [first, second, leased] = await store.claimDueJobs(T, LEASE, 10);
        await store.completeJob(first!.id, T + 1);
        await store.completeJob(second!.id, T + DAY);
        expect(await store.forgetDoneJobs(T + DAY)).toBe(1);
        expect(await store.forgetDoneJobs(T + DAY)).toBe(0);
        expect(await store.forgetDoneJobs(T + 2 * DAY)).toBe(1);
        // The leased job and the one not due yet are still there.
        expect((await store.listPendingJobs("R-1")).map((j) => j.key)).toEqual([leased!.key, "t0"]);
        expect(await store.completeJob(leased!.id, T + 2 * DAY)).toBe(true);
      });

      it("leaves a done job alone when cancelling", async () => {
        await store.upsertJob(job("R-1", "t0", T, "t0"));
        const [claimed] = await store.claimDueJobs(T, LEASE, 10);
        await store.completeJob(claimed!.id, T + 1);
        expect(await store.cancelJobs("R-1", ["t0"])).toBe(0);
      });

      it("claims only due jobs, earliest first, up to the limit, counting the attempt", async () => {
        await store.upsertJob(job("R-1", "late", T + 30, "t0", { n: 3 }));
        await store.upsertJob(job("R-1", "early", T + 10, "reminder", { n: 1 }));
        await store.upsertJob(job("R-1", "middle", T + 20, "webhook", { n: 2 }));
        await store.upsertJob(job("R-1", "future", T + 1_000));
        expect(await store.claimDueJobs(T + 9, LEASE, 10)).toEqual([]);
        const claimed = await store.claimDueJobs(T + 30, LEASE, 2);
        expect(claimed).toEqual([
          { id: expect.any(Number), releaseId: "R-1", kind: "reminder", key: "early", dueAt: T + 10, payload: { n: 1 }, attempts: 1 },
          { id: expect.any(Number), releaseId: "R-1", kind: "webhook", key: "middle", dueAt: T + 20, payload: { n: 2 }, attempts: 1 },
        ]);
        // Due exactly now counts as due.
        expect((await store.claimDueJobs(T + 30, LEASE, 10)).map((j) => j.key)).toEqual(["late"]);
      });

      it("does not hand out a leased job again until its lease ends; then it comes back with one more attempt", async () => {
        await store.upsertJob(job("R-1", "t0", T, "t0"));
        const [first] = await store.claimDueJobs(T, LEASE, 10);
        expect(first).toMatchObject({ key: "t0", attempts: 1 });
        expect(await store.claimDueJobs(T + 1, LEASE, 10)).toEqual([]);
        expect(await store.claimDueJobs(T + LEASE - 1, LEASE, 10)).toEqual([]);
        const [again] = await store.claimDueJobs(T + LEASE + 1, LEASE, 10);
        expect(again).toEqual({ ...first, attempts: 2 });
        // Still pending (leased, not done) while nobody completes it.
        expect((await store.listPendingJobs("R-1")).map((j) => j.id)).toEqual([first!.id]);
      });

      it("renews a lease only while it lasts and the job is not done: a runner that fell behind cannot take a job back", async () => {
        await store.upsertJob(job("R-1", "t0", T, "t0"));
        const [first] = await store.claimDueJobs(T, LEASE, 10);
        expect(await store.renewJobLease(first!.id, T + LEASE - 1, LEASE)).toBe(true);
        // Renewed: not claimable at the first lease's end, only at the renewed one's.
        expect(await store.claimDueJobs(T + LEASE + 1, LEASE, 10)).toEqual([]);
        expect(await store.nextJobDueAt()).toBe(T + 2 * LEASE - 1);
        expect(await store.renewJobLease(first!.id, T + 2 * LEASE - 1, LEASE)).toBe(false);
        const [again] = await store.claimDueJobs(T + 2 * LEASE - 1, LEASE, 10);
        expect(again).toMatchObject({ id: first!.id, attempts: 2 });
        await store.completeJob(first!.id, T + 2 * LEASE);
        expect(await store.renewJobLease(first!.id, T + 2 * LEASE, LEASE)).toBe(false);
      });

      it("never gives the same job to two claims running at once", async () => {
        for (let i = 0; i < 10; i++) await store.upsertJob(job(`R-${i + 1}`, "t0", T + i, "t0"));
        const claims = await Promise.all([store.claimDueJobs(T + 100, LEASE, 4), store.claimDueJobs(T + 100, LEASE, 4), store.claimDueJobs(T + 100, LEASE, 4)]);
        const ids = claims.flat().map((j) => j.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBe(10);
        for (const c of claims) expect(c.length).toBeLessThanOrEqual(4);
      });

      it("never claims a completed job again and no longer lists it as pending", async () => {
        await store.upsertJob(job("R-1", "t0", T, "t0"));
        await store.upsertJob(job("R-1", "retro", T + 5, "retro_open"));
        const [t0] = await store.claimDueJobs(T, LEASE, 1);
        await store.completeJob(t0!.id, T + 1);
        expect((await store.claimDueJobs(T + LEASE * 10, LEASE, 10)).map((j) => j.key)).toEqual(["retro"]);
        expect((await store.listPendingJobs("R-1")).map((j) => j.key)).toEqual(["retro"]);
      });

      it("retries a job at a later time: free of its lease, claimable again when that time comes", async () => {
        await store.upsertJob(job("R-1", "webhook:deploy", T, "webhook", { deliveryId: 7 }));
        const [first] = await store.claimDueJobs(T, LEASE, 10);
        await store.retryJob(first!.id, T + 5_000);
        expect(await store.claimDueJobs(T + 4_999, LEASE, 10)).toEqual([]);
        const [again] = await store.claimDueJobs(T + 5_000, LEASE, 10);
        expect(again).toEqual({ ...first, dueAt: T + 5_000, attempts: 2 });
      });

      it("says when the next job can run: null with none, the earliest due time, and for a leased job the end of its lease", async () => {
        expect(await store.nextJobDueAt()).toBeNull();
        await store.upsertJob(job("R-1", "a", T + 500));
        await store.upsertJob(job("R-1", "b", T + 100));
        expect(await store.nextJobDueAt()).toBe(T + 100);
        // A leased job cannot run before its lease ends; answering its past due time would
        // wake the runner again and again for nothing until then.
        const [leased] = await store.claimDueJobs(T + 100, LEASE, 1);
        expect(leased!.key).toBe("b");
        expect(await store.nextJobDueAt()).toBe(T + 500);
        await store.completeJob((await store.claimDueJobs(T + 500, LEASE, 1))[0]!.id, T + 501);
        expect(await store.nextJobDueAt()).toBe(T + 100 + LEASE);
        await store.completeJob(leased!.id, T + 502);
        expect(await store.nextJobDueAt()).toBeNull();
      });

      it("lists pending jobs by release, kind and due-before (exclusive), earliest first, leased ones included", async () => {
        await store.upsertJob(job("R-1", "reminder:60", T + 30, "reminder"));
        await store.upsertJob(job("R-1", "reminder:15", T + 10, "reminder"));
        await store.upsertJob(job("R-1", "t0", T + 20, "t0"));
        await store.upsertJob(job("R-2", "reminder:60", T + 5, "reminder"));
        await store.claimDueJobs(T + 5, LEASE, 1);
        const keys = (js: Job[]) => js.map((j) => `${j.releaseId}/${j.key}`);
        expect(keys(await store.listPendingJobs())).toEqual(["R-2/reminder:60", "R-1/reminder:15", "R-1/t0", "R-1/reminder:60"]);
        expect(keys(await store.listPendingJobs("R-1"))).toEqual(["R-1/reminder:15", "R-1/t0", "R-1/reminder:60"]);
        expect(keys(await store.listPendingJobs("R-1", { kind: "reminder" }))).toEqual(["R-1/reminder:15", "R-1/reminder:60"]);
        expect(keys(await store.listPendingJobs(undefined, { kind: "reminder", dueBefore: T + 30 }))).toEqual(["R-2/reminder:60", "R-1/reminder:15"]);
        expect(keys(await store.listPendingJobs(undefined, { dueBefore: T + 5 }))).toEqual([]);
        expect(await store.listPendingJobs("R-3")).toEqual([]);
      });
    });

    describe("retro answers and webhook deliveries", () => {
      it("lists a release's retro answers in the order given, exactly as given", async () => {
        const a = { ...retro("R-1", "slack:T1:bob", T + 1), wentBadly: "the DNS cut-over\ntook 2 h", actionItems: "- automate it\n- alert sooner" };
        const b = retro("R-1", "discord:G1:carol", T + 2, "🚀 smooth");
        await store.putRetroAnswer(a);
        await store.putRetroAnswer(retro("R-2", "slack:T1:bob", T + 3));
        await store.putRetroAnswer(b);
        expect(await store.listRetroAnswers("R-1")).toEqual([a, b]);
        expect(await store.listRetroAnswers("R-3")).toEqual([]);
      });

      it("keeps one retro answer per person per release: a later one replaces theirs in its place", async () => {
        await store.putRetroAnswer(retro("R-1", "slack:T1:bob", T + 1, "fast vote"));
        const carol = retro("R-1", "discord:G1:carol", T + 2, "calm rollout");
        await store.putRetroAnswer(carol);
        await store.putRetroAnswer(retro("R-2", "slack:T1:bob", T + 3, "another release"));
        const edited = { ...retro("R-1", "slack:T1:bob", T + 4, ""), authorName: "Bob B.", wentBadly: "late QA", actionItems: "@erin QA slot" };
        await store.transaction(async (tx) => tx.putRetroAnswer(edited));
        expect(await store.listRetroAnswers("R-1")).toEqual([edited, carol]);
        expect(await store.listRetroAnswers("R-2")).toEqual([retro("R-2", "slack:T1:bob", T + 3, "another release")]);
      });

      it("withdraws one person's retro answer, and says whether there was one", async () => {
        const carol = retro("R-1", "discord:G1:carol", T + 2, "calm rollout");
        await store.putRetroAnswer(retro("R-1", "slack:T1:bob", T + 1, "fast vote"));
        await store.putRetroAnswer(carol);
        await store.putRetroAnswer(retro("R-2", "slack:T1:bob", T + 3, "another release"));
        expect(await store.transaction(async (tx) => tx.deleteRetroAnswer("R-1", "slack:T1:bob"))).toBe(true);
        expect(await store.deleteRetroAnswer("R-1", "slack:T1:bob")).toBe(false);
        expect(await store.listRetroAnswers("R-1")).toEqual([carol]);
        expect(await store.listRetroAnswers("R-2")).toHaveLength(1);
      });

      it("creates a delivery once per idempotency key: the second request gets the same row back", async () => {
        const request = { releaseId: "R-1", kind: "rollback" as const, idempotencyKey: "R-1:rollback:1", url: "https://deploy.example/hook", body: '{"release":"R-1"}', createdAt: T };
        const first = await store.createDelivery(request);
        expect(first).toEqual({
          created: true,
          delivery: { ...request, id: expect.any(Number), status: "pending", attempts: 0, lastStatus: null, lastError: null, deliveredAt: null },
        });
        await store.updateDelivery(first.delivery.id, { status: "failed", attempts: 1, lastStatus: 503, lastError: "Service Unavailable" });
        const second = await store.createDelivery({ ...request, body: '{"release":"R-1","again":true}', createdAt: T + 10 });
        expect(second.created).toBe(false);
        expect(second.delivery).toEqual({ ...first.delivery, status: "failed", attempts: 1, lastStatus: 503, lastError: "Service Unavailable" });
        expect(await store.listDeliveries("R-1")).toEqual([second.delivery]);
      });

      it("reads, updates and lists deliveries by release, oldest first", async () => {
        const base = { kind: "deploy" as const, url: "https://deploy.example/hook", body: "{}", createdAt: T };
        const d1 = (await store.createDelivery({ ...base, releaseId: "R-1", idempotencyKey: "k1" })).delivery;
        const d2 = (await store.createDelivery({ ...base, releaseId: "R-2", idempotencyKey: "k2" })).delivery;
        const d3 = (await store.createDelivery({ ...base, releaseId: "R-1", idempotencyKey: "k3", kind: "rollback" })).delivery;
        expect(await store.getDelivery(d2.id)).toEqual(d2);
        expect(await store.getDelivery(d1.id + d2.id + d3.id + 1000)).toBeUndefined();

        await store.updateDelivery(d1.id, { status: "delivered", attempts: 2, lastStatus: 200, lastError: null, deliveredAt: T + 50 });
        const delivered = { ...d1, status: "delivered" as const, attempts: 2, lastStatus: 200, lastError: null, deliveredAt: T + 50 };
        expect(await store.getDelivery(d1.id)).toEqual(delivered);
        await store.updateDelivery(d3.id, { attempts: 1 });
        expect(await store.getDelivery(d3.id)).toEqual({ ...d3, attempts: 1 });
        expect(await store.listDeliveries("R-1")).toEqual([delivered, { ...d3, attempts: 1 }]);
        expect(await store.listDeliveries("R-9")).toEqual([]);
      });
    });

    describe("freezes, deploy locks, the queue and overrides", () => {
      const weekly = { kind: "weekly" as const, startDay: 5, startMinute: 960, endDay: 1, endMinute: 540, zone: "Europe/Berlin" };
      const once = { kind: "once" as const, startAt: T + 3_600_000, endAt: T + 48 * 3_600_000 };
      const freeze = (channelKey: string, rule: typeof weekly | typeof once, reason: string | null) => ({ channelKey, rule, reason, createdBy: "slack:T1:U1", createdByName: "Alice", createdAt: T });

      it("keeps each channel's freezes, weekly or one-off, exactly as given, and removes one by id", async () => {
        const a = await store.addFreeze(freeze(CHANNEL.key, weekly, "weekend 'ops'"));
        const b = await store.addFreeze(freeze(CHANNEL.key, once, null));
        const c = await store.addFreeze(freeze(OTHER_CHANNEL.key, once, "year-end"));
        expect(a).toEqual({ id: expect.any(Number), ...freeze(CHANNEL.key, weekly, "weekend 'ops'") });
        expect(new Set([a.id, b.id, c.id]).size).toBe(3);
        expect(await store.listFreezes(CHANNEL.key)).toEqual([a, b]);
        expect(await store.removeFreeze(a.id)).toEqual(a);
        expect(await store.removeFreeze(a.id)).toBeUndefined();
        expect(await store.listFreezes(CHANNEL.key)).toEqual([b]);
        expect(await store.listFreezes(OTHER_CHANNEL.key)).toEqual([c]);
        expect(await store.listFreezes("slack:T1:C404")).toEqual([]);
      });

      it("holds at most one lock per service + environment until it is removed, with the channel it was set in", async () => {
        const lock = { service: "payments", environment: "production", reason: "rollback of R-6: errors", lockedBy: "slack:T1:U1", lockedByName: "Alice", at: T, releaseId: "R-6", channel: CHANNEL };
        expect(await store.addLock(lock)).toBe(true);
        expect(await store.addLock({ ...lock, reason: "second", releaseId: null })).toBe(false);
        // A lock set before gonogo recorded its channel reads back without one.
        expect(await store.addLock({ ...lock, environment: "staging", releaseId: null, channel: null })).toBe(true);
        expect(await store.getLock("payments", "production")).toEqual(lock);
        expect(await store.getLock("search", "production")).toBeUndefined();
        expect((await store.listLocks()).map((l) => l.environment)).toEqual(["production", "staging"]);
        expect(await store.removeLock("payments", "production")).toEqual(lock);
        expect(await store.removeLock("payments", "production")).toBeUndefined();
        expect(await store.listLocks()).toEqual([{ ...lock, environment: "staging", releaseId: null, channel: null }]);
      });

      it("queues releases per service + environment, oldest first, once each", async () => {
        const entry = (releaseId: string, queuedAt: number, service = "payments") => ({ releaseId, service, environment: "production", behind: "R-1", queuedAt, scheduledAt: T });
        await store.enqueue(entry("R-3", T + 2));
        await store.enqueue(entry("R-2", T + 1));
        await store.enqueue(entry("R-4", T + 3, "search"));
        await store.enqueue({ ...entry("R-2", T + 9), behind: "R-9" });
        expect(await store.listQueue({ service: "payments", environment: "production" })).toEqual([entry("R-2", T + 1), entry("R-3", T + 2)]);
        expect((await store.listQueue()).map((e) => e.releaseId)).toEqual(["R-2", "R-3", "R-4"]);
        expect(await store.getQueueEntry("R-4")).toEqual(entry("R-4", T + 3, "search"));
        expect(await store.dequeue("R-2")).toBe(true);
        expect(await store.dequeue("R-2")).toBe(false);
        expect(await store.getQueueEntry("R-2")).toBeUndefined();
        expect((await store.listQueue()).map((e) => e.releaseId)).toEqual(["R-3", "R-4"]);
      });

      it("records one freeze override per release", async () => {
        const o = { releaseId: "R-1", by: "slack:T1:U1", byName: "Alice", reason: "hotfix", freeze: "'year-end'", at: T };
        await store.addOverride(o);
        await store.addOverride({ ...o, reason: "again" });
        expect(await store.getOverride("R-1")).toEqual(o);
        expect(await store.getOverride("R-2")).toBeUndefined();
      });

      it("undoes a lock, a queue entry and a freeze written in a transaction that throws", async () => {
        await expect(
          store.transaction(async (tx) => {
            await tx.addFreeze(freeze(CHANNEL.key, once, null));
            await tx.addLock({ service: "payments", environment: "production", reason: "x", lockedBy: "slack:T1:U1", lockedByName: "Alice", at: T, releaseId: null, channel: CHANNEL });
            await tx.enqueue({ releaseId: "R-2", service: "payments", environment: "production", behind: "R-1", queuedAt: T, scheduledAt: null });
            throw new Error("boom");
          }),
        ).rejects.toThrow("boom");
        expect(await store.listFreezes(CHANNEL.key)).toEqual([]);
        expect(await store.listLocks()).toEqual([]);
        expect(await store.listQueue()).toEqual([]);
      });
    });

    describe("linked accounts and link codes", () => {
      /** An account named by its user id, as the tests write them. */
      const acct = (account: string) => ({ account, name: account.split(":").pop()! });
      const ids = async (p: Promise<Array<{ account: string }>>) => (await p).map((a) => a.account);
      const sorted = async (p: Promise<Array<{ account: string }>>) => (await ids(p)).sort();

      it("links two accounts both ways with their names, and a third to either joins the same person", async () => {
        expect(await store.linkedAccounts("slack:T1:U1")).toEqual([]);
        await store.linkAccounts({ account: "slack:T1:U1", name: "dana" }, { account: "discord:G1:7", name: "dana#7" }, T);
        expect(await store.linkedAccounts("slack:T1:U1")).toEqual([{ account: "discord:G1:7", name: "dana#7" }]);
        expect(await store.linkedAccounts("discord:G1:7")).toEqual([{ account: "slack:T1:U1", name: "dana" }]);
        await store.transaction((tx) => tx.linkAccounts(acct("slack:T2:U9"), acct("discord:G1:7"), T + 1));
        // Oldest link first.
        expect(await ids(store.linkedAccounts("slack:T1:U1"))).toEqual(["discord:G1:7", "slack:T2:U9"]);
        expect(await store.transaction((tx) => sorted(tx.linkedAccounts("slack:T2:U9")))).toEqual(["discord:G1:7", "slack:T1:U1"]);
        expect(await store.linkedAccounts("slack:T1:U2")).toEqual([]);
      });

      it("merges two people when an account of one is linked to an account of the other; linking again changes nothing", async () => {
        await store.linkAccounts(acct("slack:T1:U1"), acct("discord:G1:7"), T);
        await store.linkAccounts(acct("slack:T2:U9"), acct("discord:G2:8"), T);
        await store.linkAccounts(acct("discord:G1:7"), acct("discord:G2:8"), T + 1);
        await store.linkAccounts(acct("slack:T1:U1"), acct("discord:G2:8"), T + 2);
        expect(await sorted(store.linkedAccounts("slack:T2:U9"))).toEqual(["discord:G1:7", "discord:G2:8", "slack:T1:U1"]);
      });

      it("unlinks one account, answering whom it was linked to; the last one left is linked to nobody", async () => {
        await store.linkAccounts(acct("slack:T1:U1"), acct("discord:G1:7"), T);
        await store.linkAccounts(acct("slack:T1:U1"), acct("slack:T2:U9"), T + 1);
        // The account the person was first named by leaves: the other two stay one person.
        expect(await store.unlinkAccount("slack:T1:U1")).toEqual([acct("discord:G1:7"), acct("slack:T2:U9")]);
        expect(await store.linkedAccounts("slack:T1:U1")).toEqual([]);
        expect(await ids(store.linkedAccounts("discord:G1:7"))).toEqual(["slack:T2:U9"]);
        expect(await store.transaction((tx) => tx.unlinkAccount("slack:T2:U9"))).toEqual([acct("discord:G1:7")]);
        expect(await store.linkedAccounts("discord:G1:7")).toEqual([]);
        expect(await store.unlinkAccount("discord:G1:7")).toEqual([]);
      });

      it("a transaction that links and then rolls back leaves nobody linked, also for the next transaction's reads", async () => {
        await store.transaction((tx) => tx.linkedAccounts("slack:T1:U1"));
        await expect(
          store.transaction(async (tx) => {
            await tx.linkAccounts(acct("slack:T1:U1"), acct("discord:G1:7"), T);
            expect(await ids(tx.linkedAccounts("slack:T1:U1"))).toEqual(["discord:G1:7"]);
            throw new Error("undone");
          }),
        ).rejects.toThrow("undone");
        expect(await store.transaction((tx) => tx.linkedAccounts("slack:T1:U1"))).toEqual([]);
      });

      it("gives a code's account once, only before it expires; a newer code of the same account replaces the older", async () => {
        await store.saveLinkCode("h1", { account: "slack:T1:U1", name: "dana" }, T + 600);
        expect(await store.takeLinkCode("h1", T + 599)).toEqual({ account: "slack:T1:U1", name: "dana" });
        expect(await store.takeLinkCode("h1", T + 599)).toBeUndefined();
        await store.saveLinkCode("h2", acct("slack:T1:U1"), T + 600);
        await store.saveLinkCode("h3", acct("slack:T1:U1"), T + 900);
        expect(await store.takeLinkCode("h2", T)).toBeUndefined();
        await store.saveLinkCode("h4", acct("discord:G1:7"), T + 600);
        expect(await store.takeLinkCode("h4", T + 600)).toBeUndefined();
        expect(await store.transaction((tx) => tx.takeLinkCode("h3", T + 601))).toEqual(acct("slack:T1:U1"));
      });
    });

    describe("values round-trip exactly", () => {
      const payload = {
        text: "Déploiement ✅ — 発表 🚀 שלום e\u0301",
        nothing: null,
        zero: 0,
        negative: -12.5,
        big: Number.MAX_SAFE_INTEGER,
        yes: true,
        no: false,
        empty: "",
        quotes: `"'\\\n\t`,
        list: [1, "two", null, { three: [3] }],
        nested: { deeper: { deepest: [] as unknown[] } },
      };

      it("keeps unicode text, nulls and every JSON value in releases, votes, audit, jobs, policies, refs and deliveries", async () => {
        const release = newRelease({ service: "paiements-ü", description: "Ship 🚀 the «new» checkout\nline two", managerName: "Zoë 李", stateReason: null, timezone: "Asia/Kolkata" });
        const created = await store.insertRelease(release);
        expect(await store.getRelease(created.id)).toEqual({ ...release, id: created.id, seq: created.seq });

        const v = vote("slack:T1:zoë", "no_go", T + 1, { voterName: "Zoë 李", reason: "🐛 in «checkout»", roles: ["qa", "sré"] });
        await store.upsertVote(created.id, v);
        expect(await store.getVote(created.id, v.voter)).toEqual(v);

        await store.appendAudit(event("vote_cast", T + 2, created.id, payload));
        expect(await store.listAudit(created.id)).toEqual([event("vote_cast", T + 2, created.id, payload)]);
        expect((await store.listAuditRange(T + 2, T + 2))[0]).toMatchObject({ data: payload });

        await store.upsertJob(job(created.id, "k", T + 3, "webhook", payload));
        expect((await store.listPendingJobs(created.id))[0]!.payload).toEqual(payload);
        expect((await store.claimDueJobs(T + 3, 1_000, 1))[0]!.payload).toEqual(payload);

        const policy: Partial<Policy> = { quorum: 0, require: ["sré", "qa"], reminders: [], timezone: "America/St_Johns", autoRollback: ["critical"], t0: "cancel", selfApproval: false };
        await store.setPolicy("slack:T1:C«1»", policy);
        expect(await store.getPolicy("slack:T1:C«1»")).toEqual(policy);

        const unicodeChannel = { platform: "terminal", key: "terminal:général", nativeId: "général" };
        await store.addMessageRef(created.id, ref(unicodeChannel, "消息-1"));
        expect(await store.listMessageRefs(created.id)).toEqual([ref(unicodeChannel, "消息-1")]);

        const body = JSON.stringify(payload);
        const { delivery } = await store.createDelivery({ releaseId: created.id, kind: "deploy", idempotencyKey: "ключ-🚀", url: "https://deploy.example/h?q=ü", body, createdAt: T });
        expect((await store.getDelivery(delivery.id))!.body).toBe(body);
        expect((await store.getDelivery(delivery.id))!.idempotencyKey).toBe("ключ-🚀");
        expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 1 });
      });

      it("gives every reader its own copy: changing a value read changes nothing stored", async () => {
        const created = await store.insertRelease(newRelease());
        const read = (await store.getRelease(created.id))!;
        read.state = "cancelled";
        read.channel.key = "slack:T1:elsewhere";
        expect(await store.getRelease(created.id)).toEqual(created);

        await store.setPolicy(CHANNEL.key, { require: ["qa"], reminders: [15] });
        const policy = (await store.getPolicy(CHANNEL.key))!;
        policy.require!.push("sre");
        policy.quorum = 9;
        expect(await store.getPolicy(CHANNEL.key)).toEqual({ require: ["qa"], reminders: [15] });

        await store.addMessageRef(created.id, ref(CHANNEL, "m1"));
        const [r] = await store.listMessageRefs(created.id);
        r!.messageId = "m2";
        r!.channel.nativeId = "C2";
        expect(await store.listMessageRefs(created.id)).toEqual([ref(CHANNEL, "m1")]);

        await store.grantRole({ subject: "slack:T1:bob", role: "qa", grantedBy: "slack:T1:U1", at: T });
        const [binding] = await store.listRoleBindings(["slack:T1:bob"]);
        binding!.role = "admin";
        expect((await store.listRoleBindings(["slack:T1:bob"])).map((b) => b.role)).toEqual(["qa"]);
      });
    });

    describe("transactions", () => {
      it("commits: a transaction's writes are visible afterwards and its result is returned", async () => {
        const result = await store.transaction(async (tx) => {
          const r = await tx.insertRelease(newRelease());
          await tx.upsertVote(r.id, vote("slack:T1:bob", "go", T + 1));
          await tx.appendAudit(event("release_created", T, r.id));
          await tx.upsertJob(job(r.id, "t0", T + 100, "t0"));
          return r.id;
        });
        expect(result).toBe("R-1");
        expect(await store.getRelease("R-1")).toMatchObject({ id: "R-1" });
        expect((await store.getVotes("R-1")).map((v) => v.voter)).toEqual(["slack:T1:bob"]);
        expect((await store.listAudit("R-1")).map((e) => e.type)).toEqual(["release_created"]);
        expect((await store.listPendingJobs("R-1")).map((j) => j.key)).toEqual(["t0"]);
      });

      it("reads its own writes inside the transaction", async () => {
        await store.transaction(async (tx) => {
          const r = await tx.insertRelease(newRelease());
          await tx.updateRelease(r.id, { state: "held" });
          await tx.upsertVote(r.id, vote("slack:T1:bob", "go", T + 1));
          await tx.appendAudit(event("held", T, r.id));
          await tx.setPolicy(CHANNEL.key, { quorum: 5 });
          expect((await tx.getRelease(r.id))!.state).toBe("held");
          expect(await tx.getVote(r.id, "slack:T1:bob")).toMatchObject({ choice: "go" });
          expect((await tx.currentVotes(r.id)).size).toBe(1);
          expect((await tx.listAudit(r.id)).map((e) => e.type)).toEqual(["held"]);
          expect(await tx.getPolicy(CHANNEL.key)).toEqual({ quorum: 5 });
        });
      });

      it("rolls back every write of a transaction that throws, and rejects with the very error thrown", async () => {
        const r = await store.insertRelease(newRelease());
        await store.upsertVote(r.id, vote("slack:T1:bob", "go", T + 1));
        await store.appendAudit(event("release_created", T, r.id));
        await store.upsertJob(job(r.id, "t0", T + 100, "t0"));
        await store.setPolicy(CHANNEL.key, { quorum: 2 });
        await store.grantRole({ subject: "slack:T1:bob", role: "qa", grantedBy: "slack:T1:U1", at: T });
        await store.addMessageRef(r.id, ref(CHANNEL, "m1"));
        const before = await snapshot(store, r.id);

        const failure = new Error("the platform refused the post");
        const outcome = store.transaction(async (tx) => {
          await tx.updateRelease(r.id, { state: "cancelled", stateReason: "never" });
          await tx.insertRelease(newRelease({ version: "9.9.9" }));
          await tx.upsertVote(r.id, vote("slack:T1:bob", "no_go", T + 2, { reason: "changed" }));
          await tx.upsertVote(r.id, vote("slack:T1:carol", "go", T + 3));
          await tx.deleteVote(r.id, "slack:T1:bob");
          await tx.replaceCriteria(r.id, freshCriteria([{ name: "tests", role: null }]));
          await tx.saveCriterion(r.id, { ...freshCriteria([{ name: "tests", role: null }])[0]!, status: "passed" });
          await tx.appendAudit(event("release_cancelled", T + 4, r.id));
          await tx.upsertJob(job(r.id, "t0", T + 999, "t0"));
          await tx.upsertJob(job(r.id, "retro", T + 999, "retro_open"));
          await tx.cancelJobs(r.id, ["t0"]);
          await tx.setPolicy(CHANNEL.key, { quorum: 7 });
          await tx.grantRole({ subject: "slack:T1:carol", role: "sre", grantedBy: "slack:T1:U1", at: T });
          await tx.revokeRole("slack:T1:bob", "qa");
          await tx.addMessageRef(r.id, ref(CHANNEL, "m2"));
          await tx.addMessageRef(r.id, ref(OTHER_CHANNEL, "m3"));
          await tx.putRetroAnswer(retro(r.id, "slack:T1:bob", T + 5));
          await tx.createDelivery({ releaseId: r.id, kind: "deploy", idempotencyKey: "k", url: "https://x.example", body: "{}", createdAt: T });
          // Read inside, so a caching implementation has the uncommitted state in hand.
          await tx.getRelease(r.id);
          await tx.getVotes(r.id);
          await tx.getPolicy(CHANNEL.key);
          await tx.listRoleBindings(["slack:T1:carol"]);
          await tx.listMessageRefs(r.id);
          throw failure;
        });
        await expect(outcome).rejects.toBe(failure);
        expect(await snapshot(store, r.id)).toEqual(before);
        expect(await store.listRoleBindings(["slack:T1:bob", "slack:T1:carol"])).toEqual([{ subject: "slack:T1:bob", role: "qa", grantedBy: "slack:T1:U1", at: T }]);
        expect(await store.getVote(r.id, "slack:T1:bob")).toEqual(vote("slack:T1:bob", "go", T + 1));
        expect(await store.getVote(r.id, "slack:T1:carol")).toBeUndefined();
        expect(await store.createDelivery({ releaseId: r.id, kind: "deploy", idempotencyKey: "k", url: "https://x.example", body: "{}", createdAt: T })).toMatchObject({ created: true });
      });

      it("lets neither another transaction nor a plain read see a transaction half done, and queues their writes after it", async () => {
        const r = await store.insertRelease(newRelease());
        const halfway = gate();
        const proceed = gate();
        const a = store.transaction(async (tx) => {
          await tx.appendAudit(event("a1", T + 1, r.id));
          await tx.updateRelease(r.id, { stateReason: "half done" });
          await tx.upsertVote(r.id, vote("slack:T1:bob", "go", T + 1));
          halfway.open();
          await proceed.opened;
          await turn();
          await tx.upsertVote(r.id, vote("slack:T1:carol", "go", T + 2));
          await tx.updateRelease(r.id, { stateReason: "all done" });
          await tx.appendAudit(event("a2", T + 2, r.id));
        });
        await halfway.opened;
        const b = store.transaction(async (tx) => {
          const seen = { reason: (await tx.getRelease(r.id))!.stateReason, voters: (await tx.getVotes(r.id)).length };
          await tx.appendAudit(event("b", T + 3, r.id));
          return seen;
        });
        const read = store.getRelease(r.id);
        const readVotes = store.getVotes(r.id);
        const plainWrite = store.appendAudit(event("c", T + 4, r.id));
        for (let i = 0; i < 5; i++) await turn();
        proceed.open();
        const [, seenByB, seenByRead, votesSeen] = await Promise.all([a, b, read, readVotes, plainWrite]);

        expect([{ reason: null, voters: 0 }, { reason: "all done", voters: 2 }]).toContainEqual(seenByB);
        expect([null, "all done"]).toContain(seenByRead!.stateReason);
        expect([0, 2]).toContain(votesSeen.length);
        const order = (await store.listAudit(r.id)).map((e) => e.type);
        expect(order.slice(0, 2)).toEqual(["a1", "a2"]);
        expect([...order.slice(2)].sort()).toEqual(["b", "c"]);
        expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 4 });
      });

      it("runs transactions started together one after another, so a read-then-write never loses an update", async () => {
        const r = await store.insertRelease(newRelease({ description: "0" }));
        const increment = () =>
          store.transaction(async (tx) => {
            const n = Number((await tx.getRelease(r.id))!.description);
            await turn();
            await tx.updateRelease(r.id, { description: String(n + 1) });
            await tx.appendAudit(event(`set ${n + 1}`, T + n, r.id));
          });
        await Promise.all(Array.from({ length: 8 }, increment));
        expect((await store.getRelease(r.id))!.description).toBe("8");
        expect((await store.listAudit(r.id)).map((e) => e.type)).toEqual(Array.from({ length: 8 }, (_, i) => `set ${i + 1}`));
        expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 8 });
      });

      it("joins a nested transaction to the open one: its writes commit and roll back with the outer", async () => {
        const r = await store.insertRelease(newRelease());
        const inner = await store.transaction(async (tx) =>
          tx.transaction(async (nested) => {
            await nested.appendAudit(event("nested-commit", T, r.id));
            return "from inside";
          }),
        );
        expect(inner).toBe("from inside");
        expect((await store.listAudit(r.id)).map((e) => e.type)).toEqual(["nested-commit"]);

        const failure = new Error("outer failed after the nested one finished");
        await expect(
          store.transaction(async (tx) => {
            await tx.transaction(async (nested) => {
              await nested.upsertVote(r.id, vote("slack:T1:bob", "go", T + 1));
              await nested.appendAudit(event("nested-undone", T + 1, r.id));
              await nested.upsertJob(job(r.id, "t0", T + 5, "t0"));
            });
            expect(await tx.getVote(r.id, "slack:T1:bob")).toMatchObject({ choice: "go" });
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await store.getVotes(r.id)).toEqual([]);
        expect((await store.listAudit(r.id)).map((e) => e.type)).toEqual(["nested-commit"]);
        expect(await store.listPendingJobs(r.id)).toEqual([]);
        expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 1 });
      });

      it("rolls back the whole transaction when a nested one throws through it", async () => {
        const r = await store.insertRelease(newRelease());
        const failure = new Error("nested failed");
        await expect(
          store.transaction(async (tx) => {
            await tx.appendAudit(event("outer", T, r.id));
            await tx.transaction(async (nested) => {
              await nested.appendAudit(event("nested", T + 1, r.id));
              throw failure;
            });
          }),
        ).rejects.toBe(failure);
        expect(await store.listAudit(r.id)).toEqual([]);
      });

      it("refuses a transaction's handle once the transaction has ended, even while another one is open", async () => {
        const r = await store.insertRelease(newRelease());
        let committed!: Store;
        await store.transaction(async (tx) => {
          committed = tx;
          await tx.appendAudit(event("in time", T, r.id));
        });
        let rolledBack!: Store;
        await expect(
          store.transaction((tx) => {
            rolledBack = tx;
            return Promise.reject(new Error("rolled back"));
          }),
        ).rejects.toThrow("rolled back");

        await expect(committed.getRelease(r.id)).rejects.toThrow();
        await expect(committed.appendAudit(event("too late", T + 1, r.id))).rejects.toThrow();
        await expect(rolledBack.upsertVote(r.id, vote("slack:T1:bob", "go", T + 1))).rejects.toThrow();

        // A handle that leaked out of its transaction must not write into the next one.
        await store.transaction(async (tx) => {
          await tx.appendAudit(event("current", T + 2, r.id));
          await expect(committed.appendAudit(event("leaked", T + 3, r.id))).rejects.toThrow();
          await expect(rolledBack.upsertVote(r.id, vote("slack:T1:mallory", "go", T + 3))).rejects.toThrow();
          await expect(committed.transaction(async (stale) => stale.appendAudit(event("leaked-nested", T + 3, r.id)))).rejects.toThrow();
        });
        expect((await store.listAudit(r.id)).map((e) => e.type)).toEqual(["in time", "current"]);
        expect(await store.getVotes(r.id)).toEqual([]);
        expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 2 });
      });

      it("among many transactions started together, one that fails undoes only its own writes and claim, whenever it fails", async () => {
        const r = await store.insertRelease(newRelease());
        const failures = new Map<number, string>([
          [3, "before writing"],
          [11, "after writing"],
          [16, "after writing"],
          // Last, so no later failure's rollback hides whether its own claims were undone.
          [18, "after its claim"],
        ]);
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            store.transaction(async (tx) => {
              const failure = failures.get(i);
              if (failure === "before writing") throw new Error(`press ${i} failed ${failure}`);
              if (failure === "after its claim") {
                await tx.claimEvent(`extra-${i}`, T);
                throw new Error(`press ${i} failed ${failure}`);
              }
              await tx.upsertVote(r.id, vote(`slack:T1:U${i}`, "go", T + i));
              await tx.appendAudit(event("vote_cast", T + i, r.id, { i }));
              if (failure) throw new Error(`press ${i} failed ${failure}`);
              return i;
            }, { id: `press-${i}`, at: T }),
          ),
        );
        results.forEach((result, i) => {
          if (failures.has(i)) expect(result).toEqual({ status: "rejected", reason: new Error(`press ${i} failed ${failures.get(i)}`) });
          else expect(result).toEqual({ status: "fulfilled", value: i });
        });
        const kept = Array.from({ length: 20 }, (_, i) => i).filter((i) => !failures.has(i));
        expect((await store.getVotes(r.id)).map((v) => v.voter)).toEqual(kept.map((i) => `slack:T1:U${i}`));
        expect((await store.listAudit(r.id)).map((e) => e.data.i)).toEqual(kept);
        expect(await store.verifyAudit()).toMatchObject({ ok: true, count: kept.length });
        // The failed ones' claims went with them: a redelivery is handled afresh; the others' stay.
        for (const i of failures.keys()) expect(await store.claimEvent(`press-${i}`, T + 1)).toBe(true);
        expect(await store.claimEvent("extra-18", T + 1)).toBe(true);
        for (const i of kept) expect(await store.claimEvent(`press-${i}`, T + 1)).toBe(false);
      });

      it("keeps working after a transaction whose callback fails before writing anything", async () => {
        await expect(store.transaction(() => Promise.reject(new Error("nothing written")))).rejects.toThrow("nothing written");
        const r = await store.transaction((tx) => tx.insertRelease(newRelease()));
        expect(r.id).toBe("R-1");
      });
    });

    describe("after a restart", () => {
      it("keeps every committed write, none of the rolled-back ones, and continues the audit chain", async () => {
        const r = await store.insertRelease(newRelease());
        await store.transaction(async (tx) => {
          await tx.upsertVote(r.id, vote("slack:T1:bob", "go", T + 1));
          await tx.appendAudit(event("vote_cast", T + 1, r.id));
          await tx.upsertJob(job(r.id, "t0", T + 100, "t0"));
          await tx.addMessageRef(r.id, ref(CHANNEL, "m1"));
          await tx.setPolicy(CHANNEL.key, { quorum: 1 });
        });
        await expect(
          store.transaction(async (tx) => {
            await tx.appendAudit(event("undone", T + 2, r.id));
            throw new Error("undone");
          }),
        ).rejects.toThrow("undone");
        const before = await snapshot(store, r.id);

        const reopened = await subject.reopen();
        expect(await snapshot(reopened, r.id)).toEqual(before);
        await reopened.appendAudit(event("after restart", T + 3, r.id));
        expect((await reopened.listAudit(r.id)).map((e) => e.type)).toEqual(["vote_cast", "after restart"]);
        expect(await reopened.verifyAudit()).toMatchObject({ ok: true, count: 2 });
        expect((await reopened.insertRelease(newRelease())).id).toBe("R-2");
      });
    });
  });
}
