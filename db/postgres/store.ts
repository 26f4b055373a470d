import { and, asc, count, desc, eq, gte, inArray, isNull, lt, lte, or } from "drizzle-orm";
import type { NodePgQueryResultHKT } from "drizzle-orm/node-postgres";
import type { PgDatabase } from "drizzle-orm/pg-core";
import type { Policy } from "../../src/domain/policy.js";
import type { AuditEvent, Store } from "../../src/app/store.js";
import { criterionColumns, inChunks, seqOf, toCriterion, toEvent, toRelease } from "../rows.js";
import { verifyChainOn } from "./audit-chain.js";
import type { PostgresHandle } from "./client.js";
import { createPgCardLeaseStatements } from "./card-leases.js";
import { createPgGuardStatements } from "./guard-store.js";
import { createPgIdentityStatements } from "./identity-store.js";
import { createPgJobStatements } from "./job-store.js";
import { createPgOutboxStatements } from "./outbox-store.js";
import { flushAudit, keptBackStatement } from "./kept-back.js";
import { createSharedRows, type SharedRows } from "./shared-rows.js";
import { createPgSnapshots } from "./snapshot.js";
import { createPgTransactions } from "./transactions.js";
import { createPgVoteStatements, votePrefetch } from "./votes.js";
import { auditEvents, messageRefs, policies, releaseCriteria, releases, roleBindings } from "./schema.js";
import { cardLeases, eventClaims, voteVersions } from "./work-schema.js";
import { createVoteCache, type TxState, type VoteCache } from "./vote-cache.js";
import type { PgTables } from "./client.js";

/** The pool, or one transaction's connection: every statement below runs on either. */
export type Queryable = PgDatabase<NodePgQueryResultHKT, PgTables>;
/** The Store's methods, bar `transaction`, bound to one Queryable. */
export type Statements = Omit<Store, "transaction" | "readSnapshot">;

/** Up to this many role bindings, a transaction reads them all at once and keeps them (listRoleBindings). */
const ROLE_TABLE_KEPT = 1_000;

/**
 * The Store's statements on `q`. Other instances write the same tables, so what is kept
 * across calls is checked against a version: the votes' copies (votes.ts) and, in a
 * transaction, the rows every press reads (shared-rows.ts). With `tx` (an open transaction
 * holding the writer lock) a version once read stays right, and vote writes and audit
 * events wait in `tx` for COMMIT (kept-back.ts).
 */
export function createPgStatements(q: Queryable, cache: VoteCache = createVoteCache(), tx?: TxState): Statements {
  /** A write to a shared row (shared-rows.ts): the copy follows it, and COMMIT bumps the version. */
  function touch(change: (shared: TxState["shared"]) => void): void {
    if (!tx) return;
    change(tx.shared);
    tx.touchedShared = true;
  }
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
    async countReleasesByState() {
      const rows = await q.select({ state: releases.state, n: count() }).from(releases).groupBy(releases.state);
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },
    async findReleases({ service, version, activeSince }) {
      const where = and(service ? eq(releases.service, service) : undefined, version ? eq(releases.version, version) : undefined, activeSince !== undefined ? or(gte(releases.createdAt, activeSince), isNull(releases.closedAt), gte(releases.closedAt, activeSince)) : undefined);
      return (await q.select().from(releases).where(where).orderBy(desc(releases.seq))).map(toRelease);
    },

    ...createPgVoteStatements(q, cache, tx),

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
     * Keeps the event back for COMMIT, where it is linked to the chain head the transaction
     * locked with BEGIN (kept-back.ts): an append on another instance waits for that lock,
     * so the chain never forks. Outside a transaction an append gets one of its own.
     */
    appendAudit(e) {
      if (!tx) return Promise.reject(new Error("appendAudit runs in a transaction on PostgreSQL (createPostgresStore gives a single append one)"));
      tx.audit.push({ ...e, data: { ...e.data } });
      return Promise.resolve();
    },
    async listAudit(releaseId) {
      if (tx) await flushAudit(q, tx);
      return (await q.select().from(auditEvents).where(eq(auditEvents.releaseId, releaseId)).orderBy(asc(auditEvents.id))).map(toEvent);
    },
    async listAuditOf(releaseIds, types) {
      if (!types.length) return [];
      if (tx) await flushAudit(q, tx);
      const events: AuditEvent[] = [];
      for (const ids of inChunks(releaseIds)) {
        const rows = await q.select().from(auditEvents).where(and(inArray(auditEvents.releaseId, ids), inArray(auditEvents.type, [...types]))).orderBy(asc(auditEvents.id));
        events.push(...rows.map(toEvent));
      }
      return events;
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
    async verifyAudit(recorded) {
      if (tx) await flushAudit(q, tx);
      return verifyChainOn(q, recorded);
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
    ...createPgIdentityStatements(q, tx),
    ...createPgCardLeaseStatements(q),
    // In a transaction the mark is kept back and goes with COMMIT (kept-back.ts).
    ...(tx
      ? {
          markCardsChanged: (releaseId: string) => {
            tx.cardsChanged.add(seqOf(releaseId));
            return Promise.resolve();
          },
        }
      : {}),
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
export interface PostgresStoreOptions {
  /** The copies of shared rows this instance keeps (a test holds on to them to see their size). */
  shared?: SharedRows;
}

export function createPostgresStore(handle: PostgresHandle, options: PostgresStoreOptions = {}): Store {
  const { db, pool } = handle;
  const cache = createVoteCache();
  const onPool = createPgStatements(db, cache);

  const transaction = createPgTransactions({
    pool,
    cache,
    shared: options.shared ?? createSharedRows(),
    prefetch: () => votePrefetch(cache),
    statementsOn: (connection, state) => createPgStatements(connection, cache, state),
    finalStatement: keptBackStatement,
  });
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
    linkAccounts: (account, other, at) => transaction((tx) => tx.linkAccounts(account, other, at)),
    unlinkAccount: (account) => transaction((tx) => tx.unlinkAccount(account)),
    transaction,
    readSnapshot: createPgSnapshots(pool),
    // An append links to the chain head under the writer lock, as in any transaction.
    appendAudit: (e) => transaction((tx) => tx.appendAudit(e)),
  };
}
