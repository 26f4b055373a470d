import { and, asc, count, desc, eq, gte, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Policy } from "../src/domain/policy.js";
import type { Release, Vote } from "../src/domain/types.js";
import type { MessageRef } from "../src/app/ports.js";
import type { AuditEvent, NewRelease, Store } from "../src/app/store.js";
import { auditHash, GENESIS, verifyChain } from "./audit-chain.js";
import type { DatabaseHandle } from "./client.js";
import { createCardLeaseStatements } from "./card-leases.js";
import { createGuardStore } from "./guard-store.js";
import { createIdentityStore } from "./identity-store.js";
import { createJobStore } from "./job-store.js";
import { createOutboxStatements } from "./outbox-store.js";
import { criterionColumns, inChunks, seqOf, toCriterion, toEvent, toRelease, toVote } from "./rows.js";
import { serialiseTransactions, type SyncStore } from "./serialised-store.js";
import { createSqliteSnapshots } from "./sqlite-snapshot.js";
import { createSqliteVoteCache, type SqliteVoteCache } from "./sqlite-vote-cache.js";
import { auditEvents, messageRefs, policies, releaseCriteria, releases, roleBindings, votes } from "./schema.js";
import { cardLeases } from "./work-schema.js";

type RoleBindingRow = typeof roleBindings.$inferSelect;

export interface SqliteStoreOptions {
  /** Makes the votes' cache (tests hold on to it to see its size). */
  voteCache?: (load: (seq: number) => Map<string, Vote>) => SqliteVoteCache;
}

/** The Store port on SQLite through drizzle, one transaction at a time. Hot paths use prepared statements. */
export function createSqliteStore(handle: DatabaseHandle, options: SqliteStoreOptions = {}): Store {
  const { db, sqlite } = handle;

  const getReleaseStmt = db.select().from(releases).where(eq(releases.seq, sql.placeholder("seq"))).prepare();
  const getVotesStmt = db.select().from(votes).where(eq(votes.releaseSeq, sql.placeholder("seq"))).orderBy(asc(votes.at)).prepare();
  const upsertVoteStmt = sqlite.prepare(
    `INSERT INTO votes (release_seq, voter, voter_name, choice, reason, roles, at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (release_seq, voter) DO UPDATE SET voter_name = excluded.voter_name, choice = excluded.choice, reason = excluded.reason, roles = excluded.roles, at = excluded.at`,
  );
  // Read with every decision (each vote recomputes it): one indexed read by the primary key's prefix.
  const listCriteriaStmt = db.select().from(releaseCriteria).where(eq(releaseCriteria.releaseSeq, sql.placeholder("seq"))).orderBy(asc(releaseCriteria.position)).prepare();
  const listRefsStmt = db.select().from(messageRefs).where(eq(messageRefs.releaseSeq, sql.placeholder("seq"))).prepare();
  const getPolicyStmt = sqlite.prepare<[string], { settings: string }>("SELECT settings FROM policies WHERE channel_key = ?");
  const auditStmt = sqlite.prepare(`INSERT INTO audit_events (release_id, at, actor, platform, type, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const lastHashStmt = sqlite.prepare<[], { hash: string | null }>("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1");
  // The tip of the hash chain, kept in memory (one writer) and re-read after a rollback.
  const readLastHash = () => lastHashStmt.get()?.hash ?? GENESIS;
  let lastHash = readLastHash();

  // Every vote recomputes the decision from all current votes. Reading and parsing a
  // release's 2,000 vote rows per vote costs milliseconds, so the current votes are
  // cached for the releases used most recently (sqlite-vote-cache.ts), written through, and
  // dropped whenever a transaction rolls back. gonogo is the only writer of its database (one
  // process), which keeps this exact. Keyed by voter in vote-time order (a changed vote moves
  // to the end, as ORDER BY at does).
  const loadVotes = (seq: number): Map<string, Vote> => new Map(getVotesStmt.all({ seq }).map((v) => [v.voter, toVote(v)]));
  const voteCache = options.voteCache?.(loadVotes) ?? createSqliteVoteCache(loadVotes);
  const cachedVotes = (seq: number): Map<string, Vote> => voteCache.votesOf(seq);

  // Releases, policies, role bindings and card refs are read straight from their indexes:
  // caches of them measured no better under the sustained and growth benchmarks (README,
  // Performance), and the votes' cache above is the one that earns its keep.
  const claimEventStmt = sqlite.prepare("INSERT INTO event_claims (id, at) VALUES (?, ?) ON CONFLICT DO NOTHING");
  const forgetClaimsStmt = sqlite.prepare("DELETE FROM event_claims WHERE at < ?");
  const bindingsOfStmt = sqlite.prepare<[string], RoleBindingRow>("SELECT subject, role, granted_by AS grantedBy, at FROM role_bindings WHERE subject = ?");

  /** A rolled-back transaction may have left the votes' cache and the chain's tip ahead of the file. */
  function forgetAfterRollback(): void {
    voteCache.clear();
    lastHash = readLastHash();
  }

  const statements: SyncStore = {
    insertRelease(r: NewRelease): Release {
      const row = db
        .insert(releases)
        .values({
          ...r,
          channelPlatform: r.channel.platform,
          channelKey: r.channel.key,
          channelNativeId: r.channel.nativeId,
        })
        .returning()
        .get();
      return toRelease(row);
    },
    getRelease(id) {
      const row = getReleaseStmt.get({ seq: seqOf(id) });
      return row ? toRelease(row) : undefined;
    },
    updateRelease(id, patch) {
      const row = db.update(releases).set(patch).where(eq(releases.seq, seqOf(id))).returning().get();
      if (!row) throw new Error(`release ${id} vanished during update`);
      return toRelease(row);
    },
    listReleases({ states, channelKey, limit }) {
      const where = and(states ? inArray(releases.state, states) : undefined, channelKey ? eq(releases.channelKey, channelKey) : undefined);
      return db.select().from(releases).where(where).orderBy(desc(releases.seq)).limit(limit ?? 1000).all().map(toRelease);
    },
    countReleasesByState() {
      const rows = db.select({ state: releases.state, n: count() }).from(releases).groupBy(releases.state).all();
      return Object.fromEntries(rows.map((r) => [r.state, r.n]));
    },
    findReleases({ service, version, activeSince }) {
      const where = and(service ? eq(releases.service, service) : undefined, version ? eq(releases.version, version) : undefined, activeSince !== undefined ? or(gte(releases.createdAt, activeSince), isNull(releases.closedAt), gte(releases.closedAt, activeSince)) : undefined);
      // Sorted here, newest first: an ORDER BY seq makes SQLite walk every release in seq order rather than
      // read the created/closed indexes for a stats window (releases_created_idx, releases_closed_idx).
      return db.select().from(releases).where(where).all().sort((a, b) => b.seq - a.seq).map(toRelease);
    },

    getVote(releaseId, voter) {
      return cachedVotes(seqOf(releaseId)).get(voter);
    },
    getVotes(releaseId) {
      return [...cachedVotes(seqOf(releaseId)).values()];
    },
    currentVotes(releaseId) {
      return cachedVotes(seqOf(releaseId));
    },
    countVotes(releaseIds) {
      // Counted in the file, not through the votes' cache: a year of releases must not stay in memory.
      const counted = new Map<string, number>();
      for (const ids of inChunks(releaseIds)) {
        const rows = db.select({ seq: votes.releaseSeq, n: count() }).from(votes).where(inArray(votes.releaseSeq, ids.map(seqOf))).groupBy(votes.releaseSeq).all();
        for (const r of rows) counted.set(`R-${r.seq}`, r.n);
      }
      return counted;
    },
    upsertVote(releaseId, v: Vote) {
      const seq = seqOf(releaseId);
      const byVoter = cachedVotes(seq);
      upsertVoteStmt.run(seq, v.voter, v.voterName, v.choice, v.reason, JSON.stringify(v.roles), v.at);
      byVoter.delete(v.voter);
      byVoter.set(v.voter, { ...v, roles: [...v.roles] });
    },
    deleteVote(releaseId, voter) {
      const seq = seqOf(releaseId);
      voteCache.drop(seq);
      return db.delete(votes).where(and(eq(votes.releaseSeq, seq), eq(votes.voter, voter))).run().changes > 0;
    },
    clearVotes(releaseId) {
      const seq = seqOf(releaseId);
      voteCache.drop(seq);
      return db.delete(votes).where(eq(votes.releaseSeq, seq)).run().changes;
    },

    listCriteria(releaseId) {
      return listCriteriaStmt.all({ seq: seqOf(releaseId) }).map(toCriterion);
    },
    replaceCriteria(releaseId, criteria) {
      const seq = seqOf(releaseId);
      db.delete(releaseCriteria).where(eq(releaseCriteria.releaseSeq, seq)).run();
      if (criteria.length) db.insert(releaseCriteria).values(criteria.map((c, position) => ({ releaseSeq: seq, name: c.name, position, ...criterionColumns(c) }))).run();
    },
    saveCriterion(releaseId, c) {
      return db.update(releaseCriteria).set(criterionColumns(c)).where(and(eq(releaseCriteria.releaseSeq, seqOf(releaseId)), eq(releaseCriteria.name, c.name))).run().changes > 0;
    },

    appendAudit(e: AuditEvent) {
      const row = { releaseId: e.releaseId, at: e.at, actor: e.actor, platform: e.platform, type: e.type, data: JSON.stringify(e.data) };
      const hash = auditHash(lastHash, row);
      auditStmt.run(row.releaseId, row.at, row.actor, row.platform, row.type, row.data, lastHash, hash);
      lastHash = hash;
    },
    listAuditRange(from, to) {
      return db
        .select()
        .from(auditEvents)
        .where(and(gte(auditEvents.at, from), lte(auditEvents.at, to)))
        .orderBy(asc(auditEvents.id))
        .all()
        .map((r) => ({ id: r.id, releaseId: r.releaseId, at: r.at, actor: r.actor, platform: r.platform, type: r.type, data: JSON.parse(r.data) as Record<string, unknown>, hash: r.hash ?? "" }));
    },
    verifyAudit(recorded) {
      return verifyChain(sqlite, recorded);
    },
    listAudit(releaseId) {
      return db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.releaseId, releaseId))
        .orderBy(asc(auditEvents.id))
        .all()
        .map(toEvent);
    },
    listAuditOf(releaseIds, types) {
      if (!types.length) return [];
      return inChunks(releaseIds).flatMap((ids) =>
        db
          .select()
          .from(auditEvents)
          .where(and(inArray(auditEvents.releaseId, ids), inArray(auditEvents.type, [...types])))
          .orderBy(asc(auditEvents.id))
          .all()
          .map(toEvent),
      );
    },

    getPolicy(channelKey) {
      const settings = getPolicyStmt.get(channelKey)?.settings;
      return settings === undefined ? undefined : (JSON.parse(settings) as Partial<Policy>);
    },
    setPolicy(channelKey, policy) {
      const settings = JSON.stringify(policy);
      db.insert(policies).values({ channelKey, settings }).onConflictDoUpdate({ target: policies.channelKey, set: { settings } }).run();
    },

    listRoleBindings(subjects) {
      if (subjects) return subjects.flatMap((s) => bindingsOfStmt.all(s));
      return db.select().from(roleBindings).orderBy(asc(roleBindings.role), asc(roleBindings.subject)).all();
    },
    grantRole(b) {
      return db.insert(roleBindings).values(b).onConflictDoNothing().run().changes > 0;
    },
    revokeRole(subject, role) {
      return db.delete(roleBindings).where(and(eq(roleBindings.subject, subject), eq(roleBindings.role, role))).run().changes > 0;
    },

    addMessageRef(releaseId, ref: MessageRef) {
      db.insert(messageRefs)
        .values({ releaseSeq: seqOf(releaseId), platform: ref.platform, channelKey: ref.channel.key, channelNativeId: ref.channel.nativeId, messageId: ref.messageId })
        .onConflictDoUpdate({ target: [messageRefs.releaseSeq, messageRefs.platform, messageRefs.channelKey], set: { messageId: ref.messageId } })
        .run();
    },
    listMessageRefs(releaseId) {
      return listRefsStmt.all({ seq: seqOf(releaseId) }).map((r) => ({ platform: r.platform, channel: { platform: r.platform, key: r.channelKey, nativeId: r.channelNativeId }, messageId: r.messageId }));
    },
    removeMessageRef(releaseId, ref: MessageRef) {
      const seq = seqOf(releaseId);
      db.delete(messageRefs)
        .where(and(eq(messageRefs.releaseSeq, seq), eq(messageRefs.platform, ref.platform), eq(messageRefs.channelKey, ref.channel.key), eq(messageRefs.messageId, ref.messageId)))
        .run();
      // Its lease goes with it, or a sweep would keep taking up a card that no longer exists.
      db.delete(cardLeases).where(and(eq(cardLeases.platform, ref.platform), eq(cardLeases.channelKey, ref.channel.key), eq(cardLeases.messageId, ref.messageId))).run();
    },
    claimEvent(id, at) {
      return claimEventStmt.run(id, at).changes > 0;
    },
    forgetEventClaims(before) {
      return forgetClaimsStmt.run(before).changes;
    },
    ...createJobStore(handle),
    ...createGuardStore(handle),
    ...createIdentityStore(sqlite),
    ...createCardLeaseStatements(handle),
    ...createOutboxStatements(handle),
  };
  const store = serialiseTransactions(statements, sqlite, forgetAfterRollback);
  return { ...store, readSnapshot: createSqliteSnapshots(sqlite, (read) => store.transaction(read)) };
}
