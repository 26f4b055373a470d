import { and, asc, desc, eq, gt, gte, inArray, lt, lte, sql } from "drizzle-orm";
import type { NodePgQueryResultHKT } from "drizzle-orm/node-postgres";
import type { PgDatabase } from "drizzle-orm/pg-core";
import pg from "pg";
import type { Policy } from "../../src/domain/policy.js";
import type { Store } from "../../src/app/store.js";
import type { Vote } from "../../src/domain/types.js";
import { auditHash, GENESIS, linkProblem, type ChainReport } from "../audit-chain.js";
import { criterionColumns, seqOf, toCriterion, toEvent, toRelease, toVote } from "../rows.js";
import type { PostgresHandle } from "./client.js";
import { createPgCardLeaseStatements } from "./card-leases.js";
import { createPgGuardStatements } from "./guard-store.js";
import { createPgJobStatements } from "./job-store.js";
import { createPgOutboxStatements } from "./outbox-store.js";
import { createPgTransactions, NO_HEAD } from "./transactions.js";
import { BUMP_SHARED_ROWS, createSharedRows } from "./shared-rows.js";
import { auditChainHead, auditEvents, cardLeases, eventClaims, messageRefs, policies, releaseCriteria, releases, roleBindings, votes, voteVersions } from "./schema.js";
import { createVoteCache, type TxState, type VoteCache, type VoteMap } from "./vote-cache.js";
import type * as schema from "./schema.js";

/** The pool, or one transaction's connection: every statement below runs on either. */
export type Queryable = PgDatabase<NodePgQueryResultHKT, typeof schema>;
/** The Store's methods, bar `transaction`, bound to one Queryable. */
export type Statements = Omit<Store, "transaction">;

/** Walks the chain in pages by id, so a long trail is never held in memory at once. */
async function verifyChainOn(q: Queryable): Promise<ChainReport> {
  let prev = GENESIS;
  let count = 0;
  let after = 0;
  for (;;) {
    const page = await q.select().from(auditEvents).where(gt(auditEvents.id, after)).orderBy(asc(auditEvents.id)).limit(5_000);
    for (const row of page) {
      count++;
      const problem = linkProblem(prev, row);
      if (problem) return { ok: false, count, brokenAt: row.id, problem };
      prev = row.hash!;
      after = row.id;
    }
    if (page.length < 5_000) return { ok: true, count };
  }
}

type Row = Record<string, unknown>;

/** Up to this many role bindings, a transaction reads them all at once and keeps them (listRoleBindings). */
const ROLE_TABLE_KEPT = 1_000;

/**
 * Bumps a release's vote version; a statement that writes its votes starts with this, so
 * both commit together. A write that removes votes also records the version as `cleared`.
 */
const bumpVersion = (seq: number, removes: boolean) =>
  removes
    ? sql`INSERT INTO vote_versions (release_seq, version, cleared) VALUES (${seq}, 1, 1) ON CONFLICT (release_seq) DO UPDATE SET version = vote_versions.version + 1, cleared = vote_versions.version + 1 RETURNING version`
    : sql`INSERT INTO vote_versions (release_seq, version) VALUES (${seq}, 1) ON CONFLICT (release_seq) DO UPDATE SET version = vote_versions.version + 1 RETURNING version`;

const toCachedVote = (r: Row): Vote => ({ voter: r.voter as string, voterName: r.voter_name as string, choice: r.choice as Vote["choice"], reason: r.reason as string | null, roles: JSON.parse(r.roles as string) as string[], at: Number(r.at) });

/** A release's vote version, the version of its last removal, and its votes written after `after`, in vote-time order: one snapshot. */
const votesSince = (seq: number, after: number) => `
  SELECT vv.version, vv.cleared, v.voter, v.voter_name, v.choice, v.reason, v.roles, v.at
  FROM (SELECT coalesce(max(version), 0) AS version, coalesce(max(cleared), 0) AS cleared FROM vote_versions WHERE release_seq = ${Number(seq)}) vv
  LEFT JOIN votes v ON v.release_seq = ${Number(seq)} AND v.version > ${Number(after)}
  ORDER BY v.at`;

type VoteCopy = { version: number; votes: VoteMap };

/**
 * `older` brought up to date with the rows `votesSince` read after its version; undefined
 * when a vote was removed since (a removal leaves no row to find) and the whole list must
 * be read. Without `older`, the rows are the whole list.
 */
function advanced(rows: Row[], older?: VoteCopy): VoteCopy | undefined {
  let byVoter: VoteMap;
  if (older) {
    if (Number(rows[0]?.cleared ?? 0) > older.version) return undefined;
    // The votes changed since, in vote-time order, move to the end, as ORDER BY at would put them.
    byVoter = new Map(older.votes);
    for (const r of rows) if (r.voter !== null) byVoter.delete(r.voter as string);
  } else {
    byVoter = new Map();
  }
  for (const r of rows) if (r.voter !== null) byVoter.set(r.voter as string, toCachedVote(r));
  return { version: Number(rows[0]?.version ?? 0), votes: byVoter };
}

/**
 * A release's vote version and votes. Given an older copy, reads only the votes written
 * since it, and the whole list only when a vote was removed since: in a storm spread over
 * several instances each one reads the few votes the others took, not all of them.
 */
async function loadVotes(q: Queryable, seq: number, older?: VoteCopy): Promise<VoteCopy> {
  const read = async (after: number) => ((await q.execute(sql.raw(votesSince(seq, after)))) as unknown as { rows: Row[] }).rows;
  return (older && advanced(await read(older.version), older)) ?? advanced(await read(-1))!;
}

/** How many releases' votes a transaction brings up to date with its BEGIN: a storm is on one or a few. */
const PREFETCHED_RELEASES = 4;

/**
 * With BEGIN (under the writer lock): the votes other instances wrote since this one's
 * copies of the releases voted on most recently, so the batch's presses read no votes.
 */
export function votePrefetch(cache: VoteCache): { statements: string[]; apply(results: Array<{ rows: Row[] }>, tx: TxState): void } {
  const recent = cache.recent(PREFETCHED_RELEASES);
  return {
    statements: recent.map(([seq, copy]) => votesSince(seq, copy.version)),
    apply(results, tx) {
      recent.forEach(([seq, copy], i) => {
        const rows = results[i]?.rows ?? [];
        const next = advanced(rows, copy);
        tx.versions.set(seq, Number(rows[0]?.version ?? 0));
        if (!next) return; // a removal since: votesOf reads the whole list when asked
        // Committed state, read under the lock before this transaction wrote anything.
        cache.publish(seq, next.version, next.votes);
        tx.votes.set(seq, next.votes);
      });
    },
  };
}

const literal = (v: string | number | null) => (v === null ? "NULL" : typeof v === "number" ? String(v) : pg.escapeLiteral(v));

/**
 * The statement that writes a transaction's pending audit events, linked from the chain
 * head it locked when it began (or locks now), and moves the head: as plain SQL text with
 * its values quoted, so COMMIT can go in the same round trip. Identity ids are drawn in
 * VALUES order, so id order is chain order. Empty when there is nothing to write.
 */
async function auditStatement(q: Queryable, tx: TxState): Promise<string> {
  if (tx.audit.length === 0) return "";
  if (tx.head === undefined) {
    const [head] = await q.select({ hash: auditChainHead.hash }).from(auditChainHead).where(eq(auditChainHead.id, 1)).for("update");
    if (!head) throw new Error(NO_HEAD);
    tx.head = head.hash;
  }
  let prev = tx.head;
  const values = tx.audit.splice(0).map((e) => {
    const row = { releaseId: e.releaseId, at: e.at, actor: e.actor, platform: e.platform, type: e.type, data: JSON.stringify(e.data) };
    const hash = auditHash(prev, row);
    const value = `(${[row.releaseId, row.at, row.actor, row.platform, row.type, row.data, prev, hash].map(literal).join(", ")})`;
    prev = hash;
    return value;
  });
  tx.head = prev;
  return `WITH appended AS (INSERT INTO audit_events (release_id, at, actor, platform, type, data, prev_hash, hash) VALUES ${values.join(", ")}) UPDATE audit_chain_head SET hash = ${literal(prev)} WHERE id = 1`;
}

/** What the transaction kept back, as one text to send with COMMIT: its vote writes, its audit events, the shared rows' new version. */
export async function keptBackStatement(q: Queryable, tx: TxState): Promise<string> {
  return [voteWrites(tx), await auditStatement(q, tx), tx.touchedShared ? BUMP_SHARED_ROWS : ""].filter(Boolean).join("; ");
}

/**
 * The kept-back vote writes as statements, emptying the list: per release one version bump
 * and one insert of every voter's latest row (a voter who voted twice in the batch once).
 */
function voteWrites(tx: TxState): string {
  const statements = [...tx.pending].flatMap(([seq, kept]) => [
    `INSERT INTO vote_versions (release_seq, version) VALUES (${seq}, ${kept.version}) ON CONFLICT (release_seq) DO UPDATE SET version = excluded.version`,
    `INSERT INTO votes (release_seq, voter, voter_name, choice, reason, roles, at, version) VALUES ${[...kept.rows.values()].join(", ")} ` +
      `ON CONFLICT (release_seq, voter) DO UPDATE SET voter_name = excluded.voter_name, choice = excluded.choice, reason = excluded.reason, roles = excluded.roles, at = excluded.at, version = excluded.version`,
  ]);
  tx.pending.clear();
  return statements.join("; ");
}

/** Sends the vote writes kept back now: a read of the votes table must see them. */
async function flushVoteWrites(q: Queryable, tx: TxState | undefined): Promise<void> {
  if (tx?.pending.size) await q.execute(sql.raw(voteWrites(tx)));
}

/** Writes the pending audit events now (a read of the trail inside the transaction must see them). */
async function flushAudit(q: Queryable, tx: TxState): Promise<void> {
  const statement = await auditStatement(q, tx);
  if (statement) await q.execute(sql.raw(statement));
}

/**
 * The Store's statements on `q`. Other instances write the same tables, so the one thing
 * kept across calls is the votes' cache, checked against the release's vote version. With
 * `tx` (an open transaction holding the writer lock) a version once read stays right, so
 * a vote reads its release's votes without a round trip when the cache holds them, and
 * its audit events wait in `tx` for flushAudit.
 */
export function createPgStatements(q: Queryable, cache: VoteCache = createVoteCache(), tx?: TxState): Statements {
  const rows = async (query: ReturnType<typeof sql>) => ((await q.execute(query)) as unknown as { rows: Row[] }).rows;
  /** The release's current votes: from this transaction, the cache, or the database. Never changed in place. */
  async function votesOf(seq: number): Promise<VoteMap> {
    const mine = tx?.votes.get(seq);
    if (mine) return mine;
    const version = tx?.versions.get(seq) ?? Number((await rows(sql`SELECT version FROM vote_versions WHERE release_seq = ${seq}`))[0]?.version ?? 0);
    let entry = cache.get(seq);
    if (entry?.version !== version) {
      await flushVoteWrites(q, tx);
      entry = await loadVotes(q, seq, entry);
      // Outside a transaction what was read is committed; inside, it may hold the transaction's own writes: published after COMMIT.
      if (!tx) cache.publish(seq, entry.version, entry.votes);
    }
    if (tx) {
      tx.versions.set(seq, entry.version);
      tx.votes.set(seq, entry.votes);
    }
    return entry.votes;
  }
  /** After a vote write moved the release to `version`: this transaction's copy follows, or is dropped when it was not at the version before. */
  function changed(seq: number, version: number, change: (m: VoteMap) => void): void {
    if (!tx) return;
    let copy = tx.votes.get(seq);
    if (copy && tx.versions.get(seq) === version - 1) {
      if (!tx.owned.has(seq)) {
        copy = new Map(copy);
        tx.votes.set(seq, copy);
        tx.owned.add(seq);
      }
      change(copy);
    } else {
      tx.votes.delete(seq);
    }
    tx.versions.set(seq, version);
  }
  /** A write to a shared row (shared-rows.ts): the copy follows it, and COMMIT bumps the version. */
  function touch(change: (shared: TxState["shared"]) => void): void {
    if (!tx) return;
    change(tx.shared);
    tx.touchedShared = true;
  }
  const getVotes = async (releaseId: string) => [...(await votesOf(seqOf(releaseId))).values()];
  return {
    async insertRelease(r) {
      const [row] = await q
        .insert(releases)
        .values({ ...r, channelPlatform: r.channel.platform, channelKey: r.channel.key, channelNativeId: r.channel.nativeId })
        .returning();
      if (tx) {
        tx.shared.releases.set(row!.seq, row!);
        tx.touchedShared = true;
      }
      return toRelease(row!);
    },
    async getRelease(id) {
      const seq = seqOf(id);
      if (!tx) {
        const [row] = await q.select().from(releases).where(eq(releases.seq, seq));
        return row ? toRelease(row) : undefined;
      }
      const known = tx.shared.releases.get(seq);
      if (known) return toRelease(known);
      // With its vote version: a vote then finds the release's votes in the cache without asking.
      const [row] = await q.select({ release: releases, version: voteVersions.version }).from(releases).leftJoin(voteVersions, eq(voteVersions.releaseSeq, releases.seq)).where(eq(releases.seq, seq));
      if (!row) return undefined;
      if (!tx.versions.has(seq)) tx.versions.set(seq, row.version ?? 0);
      tx.shared.releases.set(seq, row.release);
      return toRelease(row.release);
    },
    async updateRelease(id, patch) {
      const [row] = await q.update(releases).set(patch).where(eq(releases.seq, seqOf(id))).returning();
      if (!row) throw new Error(`release ${id} vanished during update`);
      if (tx) {
        tx.shared.releases.set(row.seq, row);
        tx.touchedShared = true;
      }
      return toRelease(row);
    },
    async listReleases({ states, channelKey, limit }) {
      const where = and(states ? inArray(releases.state, states) : undefined, channelKey ? eq(releases.channelKey, channelKey) : undefined);
      return (await q.select().from(releases).where(where).orderBy(desc(releases.seq)).limit(limit ?? 1000)).map(toRelease);
    },
    async findReleases({ service, version, since }) {
      const where = and(service ? eq(releases.service, service) : undefined, version ? eq(releases.version, version) : undefined, since !== undefined ? gte(releases.createdAt, since) : undefined);
      return (await q.select().from(releases).where(where).orderBy(desc(releases.seq))).map(toRelease);
    },

    getVotes,
    currentVotes: (releaseId) => votesOf(seqOf(releaseId)),
    async getVote(releaseId, voter) {
      if (tx) return (await votesOf(seqOf(releaseId))).get(voter);
      const [row] = await q.select().from(votes).where(and(eq(votes.releaseSeq, seqOf(releaseId)), eq(votes.voter, voter)));
      return row ? toVote(row) : undefined;
    },
    async upsertVote(releaseId, v) {
      const seq = seqOf(releaseId);
      const known = tx?.versions.get(seq);
      if (tx && known !== undefined) {
        // Under the writer lock the version it moves to is known: the write waits for COMMIT and goes with it.
        const version = known + 1;
        const kept = tx.pending.get(seq) ?? { version, rows: new Map<string, string>() };
        kept.version = version;
        kept.rows.set(v.voter, `(${[seq, v.voter, v.voterName, v.choice, v.reason, JSON.stringify(v.roles), v.at, version].map(literal).join(", ")})`);
        tx.pending.set(seq, kept);
        changed(seq, version, (m) => {
          m.delete(v.voter);
          m.set(v.voter, { ...v, roles: [...v.roles] });
        });
        return;
      }
      const [row] = await rows(sql`
        WITH bumped AS (${bumpVersion(seq, false)})
        INSERT INTO votes (release_seq, voter, voter_name, choice, reason, roles, at, version)
        VALUES (${seq}, ${v.voter}, ${v.voterName}, ${v.choice}, ${v.reason}, ${JSON.stringify(v.roles)}, ${v.at}, (SELECT version FROM bumped))
        ON CONFLICT (release_seq, voter) DO UPDATE SET voter_name = excluded.voter_name, choice = excluded.choice, reason = excluded.reason, roles = excluded.roles, at = excluded.at, version = excluded.version
        RETURNING version`);
      changed(seq, Number(row!.version), (m) => {
        m.delete(v.voter);
        m.set(v.voter, { ...v, roles: [...v.roles] });
      });
    },
    async deleteVote(releaseId, voter) {
      const seq = seqOf(releaseId);
      await flushVoteWrites(q, tx);
      const [row] = await rows(sql`
        WITH deleted AS (DELETE FROM votes WHERE release_seq = ${seq} AND voter = ${voter} RETURNING 1), bumped AS (${bumpVersion(seq, true)})
        SELECT (SELECT version FROM bumped) AS version, (SELECT count(*) FROM deleted) AS n`);
      changed(seq, Number(row!.version), (m) => m.delete(voter));
      return Number(row!.n) > 0;
    },
    async clearVotes(releaseId) {
      const seq = seqOf(releaseId);
      await flushVoteWrites(q, tx);
      const [row] = await rows(sql`
        WITH deleted AS (DELETE FROM votes WHERE release_seq = ${seq} RETURNING 1), bumped AS (${bumpVersion(seq, true)})
        SELECT (SELECT version FROM bumped) AS version, (SELECT count(*) FROM deleted) AS n`);
      changed(seq, Number(row!.version), (m) => m.clear());
      return Number(row!.n);
    },

    async listCriteria(releaseId) {
      const seq = seqOf(releaseId);
      let list = tx?.shared.criteria.get(seq);
      if (!list) {
        list = await q.select().from(releaseCriteria).where(eq(releaseCriteria.releaseSeq, seq)).orderBy(asc(releaseCriteria.position));
        tx?.shared.criteria.set(seq, list);
      }
      return list.map(toCriterion);
    },
    async replaceCriteria(releaseId, criteria) {
      const seq = seqOf(releaseId);
      touch((shared) => shared.criteria.delete(seq));
      await q.delete(releaseCriteria).where(eq(releaseCriteria.releaseSeq, seq));
      if (criteria.length) await q.insert(releaseCriteria).values(criteria.map((c, position) => ({ releaseSeq: seq, name: c.name, position, ...criterionColumns(c) })));
    },
    async saveCriterion(releaseId, c) {
      touch((shared) => shared.criteria.delete(seqOf(releaseId)));
      return ((await q.update(releaseCriteria).set(criterionColumns(c)).where(and(eq(releaseCriteria.releaseSeq, seqOf(releaseId)), eq(releaseCriteria.name, c.name)))).rowCount ?? 0) > 0;
    },

    /**
     * Links the event to the chain head, which it locks until this transaction ends: an
     * append on another instance waits here, then links to this event, so the chain never
     * forks. Identity ids are drawn after the lock, so id order is chain order. Callers
     * outside a transaction get one of their own (see createPostgresStore).
     */
    async appendAudit(e) {
      if (tx) {
        tx.audit.push({ ...e, data: { ...e.data } });
        return;
      }
      const [head] = await q.select({ hash: auditChainHead.hash }).from(auditChainHead).where(eq(auditChainHead.id, 1)).for("update");
      if (!head) throw new Error("audit_chain_head has no row: the PostgreSQL migrations did not finish; restart gonogo to apply them");
      const row = { releaseId: e.releaseId, at: e.at, actor: e.actor, platform: e.platform, type: e.type, data: JSON.stringify(e.data) };
      const hash = auditHash(head.hash, row);
      await q.insert(auditEvents).values({ ...row, prevHash: head.hash, hash });
      await q.update(auditChainHead).set({ hash }).where(eq(auditChainHead.id, 1));
    },
    async listAudit(releaseId) {
      if (tx) await flushAudit(q, tx);
      return (await q.select().from(auditEvents).where(eq(auditEvents.releaseId, releaseId)).orderBy(asc(auditEvents.id))).map(toEvent);
    },
    async listAuditRange(from, to) {
      if (tx) await flushAudit(q, tx);
      const rows = await q
        .select()
        .from(auditEvents)
        .where(and(gte(auditEvents.at, from), lte(auditEvents.at, to)))
        .orderBy(asc(auditEvents.id));
      return rows.map((r) => ({ ...toEvent(r), id: r.id, hash: r.hash ?? "" }));
    },
    async verifyAudit() {
      if (tx) await flushAudit(q, tx);
      return verifyChainOn(q);
    },

    async getPolicy(channelKey) {
      let settings = tx?.shared.policies.get(channelKey);
      if (settings === undefined) {
        const [row] = await q.select({ settings: policies.settings }).from(policies).where(eq(policies.channelKey, channelKey));
        settings = row?.settings ?? null;
        tx?.shared.policies.set(channelKey, settings);
      }
      return settings === null ? undefined : (JSON.parse(settings) as Partial<Policy>);
    },
    async setPolicy(channelKey, policy) {
      const settings = JSON.stringify(policy);
      await q.insert(policies).values({ channelKey, settings }).onConflictDoUpdate({ target: policies.channelKey, set: { settings } });
      touch((shared) => shared.policies.set(channelKey, settings));
    },

    async listRoleBindings(subjects) {
      if (subjects?.length === 0) return [];
      const query = (limit?: number) => {
        const select = q.select().from(roleBindings).where(subjects && limit === undefined ? inArray(roleBindings.subject, subjects) : undefined).orderBy(asc(roleBindings.role), asc(roleBindings.subject));
        return limit === undefined ? select : select.limit(limit);
      };
      if (!tx) return query();
      // Every press asks for its voter's roles: a transaction carrying a batch of presses reads
      // the (small) table once and answers the rest from it; a large table is asked each time.
      const table = (tx.shared.roleBindings ??= await query(ROLE_TABLE_KEPT + 1));
      if (table.length > ROLE_TABLE_KEPT) return query();
      const wanted = subjects && new Set(subjects);
      return table.filter((b) => !wanted || wanted.has(b.subject)).map((b) => ({ ...b }));
    },
    async grantRole(b) {
      touch((shared) => (shared.roleBindings = undefined));
      return ((await q.insert(roleBindings).values(b).onConflictDoNothing()).rowCount ?? 0) > 0;
    },
    async revokeRole(subject, role) {
      touch((shared) => (shared.roleBindings = undefined));
      return ((await q.delete(roleBindings).where(and(eq(roleBindings.subject, subject), eq(roleBindings.role, role)))).rowCount ?? 0) > 0;
    },

    async addMessageRef(releaseId, ref) {
      await q
        .insert(messageRefs)
        .values({ releaseSeq: seqOf(releaseId), platform: ref.platform, channelKey: ref.channel.key, channelNativeId: ref.channel.nativeId, messageId: ref.messageId })
        .onConflictDoUpdate({ target: [messageRefs.releaseSeq, messageRefs.platform, messageRefs.channelKey], set: { messageId: ref.messageId } });
    },
    async listMessageRefs(releaseId) {
      const rows = await q.select().from(messageRefs).where(eq(messageRefs.releaseSeq, seqOf(releaseId)));
      return rows.map((r) => ({ platform: r.platform, channel: { platform: r.platform, key: r.channelKey, nativeId: r.channelNativeId }, messageId: r.messageId }));
    },
    async removeMessageRef(releaseId, ref) {
      await q
        .delete(messageRefs)
        .where(and(eq(messageRefs.releaseSeq, seqOf(releaseId)), eq(messageRefs.platform, ref.platform), eq(messageRefs.channelKey, ref.channel.key), eq(messageRefs.messageId, ref.messageId)));
      // Its lease goes with it, or a sweep would keep taking up a card that no longer exists.
      await q.delete(cardLeases).where(and(eq(cardLeases.platform, ref.platform), eq(cardLeases.channelKey, ref.channel.key), eq(cardLeases.messageId, ref.messageId)));
    },
    async claimEvent(id, at) {
      return ((await q.insert(eventClaims).values({ id, at }).onConflictDoNothing()).rowCount ?? 0) > 0;
    },
    async forgetEventClaims(before) {
      return (await q.delete(eventClaims).where(lt(eventClaims.at, before))).rowCount ?? 0;
    },
    ...createPgJobStatements(q),
    ...createPgGuardStatements(q),
    ...createPgCardLeaseStatements(q),
    ...createPgOutboxStatements(q),
  };
}

/**
 * The Store port on PostgreSQL. `transaction(fn)` runs fn inside BEGIN … COMMIT under the
 * writer lock, together with the other transactions that arrived meanwhile (see
 * transactions.ts); a nested `tx.transaction` joins it. Its audit events are written with
 * COMMIT, and the votes it read or wrote become the cache's after COMMIT. Reads outside a
 * transaction run straight on the pool and see committed data only; single writes are one
 * statement each, and an audit append outside a transaction gets a short transaction of its
 * own for the chain head's lock.
 */
export function createPostgresStore(handle: PostgresHandle): Store {
  const { db, pool } = handle;
  const cache = createVoteCache();
  const onPool = createPgStatements(db, cache);

  const transaction = createPgTransactions({
    pool,
    cache,
    shared: createSharedRows(),
    prefetch: () => votePrefetch(cache),
    statementsOn: (connection, state) => createPgStatements(connection, cache, state),
    finalStatement: keptBackStatement,
  });
  // A write to the rows every instance keeps copies of must bump their version under the writer lock: only in a transaction.
  return {
    ...onPool,
    // A write to the rows every instance keeps copies of bumps their version under the writer lock: only in a transaction.
    insertRelease: (r) => transaction((tx) => tx.insertRelease(r)),
    updateRelease: (id, patch) => transaction((tx) => tx.updateRelease(id, patch)),
    replaceCriteria: (id, criteria) => transaction((tx) => tx.replaceCriteria(id, criteria)),
    saveCriterion: (id, c) => transaction((tx) => tx.saveCriterion(id, c)),
    setPolicy: (channelKey, policy) => transaction((tx) => tx.setPolicy(channelKey, policy)),
    grantRole: (b) => transaction((tx) => tx.grantRole(b)),
    revokeRole: (subject, role) => transaction((tx) => tx.revokeRole(subject, role)),
    transaction,
    appendAudit: (e) => db.transaction((connection) => createPgStatements(connection, cache).appendAudit(e)),
  };
}
