import { and, asc, desc, eq, gt, gte, inArray, lt, lte, sql } from "drizzle-orm";
import type { NodePgQueryResultHKT } from "drizzle-orm/node-postgres";
import type { PgDatabase } from "drizzle-orm/pg-core";
import type { Policy } from "../../src/domain/policy.js";
import type { Store } from "../../src/app/store.js";
import { auditHash, GENESIS, linkProblem, type ChainReport } from "../audit-chain.js";
import { criterionColumns, seqOf, toCriterion, toEvent, toRelease, toVote } from "../rows.js";
import type { PostgresHandle } from "./client.js";
import { createPgCardLeaseStatements } from "./card-leases.js";
import { createPgGuardStatements } from "./guard-store.js";
import { createPgJobStatements } from "./job-store.js";
import { createPgOutboxStatements } from "./outbox-store.js";
import { auditChainHead, auditEvents, cardLeases, eventClaims, messageRefs, policies, releaseCriteria, releases, roleBindings, votes } from "./schema.js";
import type * as schema from "./schema.js";

/** The pool, or one transaction's connection: every statement below runs on either. */
export type Queryable = PgDatabase<NodePgQueryResultHKT, typeof schema>;
/** The Store's methods, bar `transaction`, bound to one Queryable. */
export type Statements = Omit<Store, "transaction">;

/**
 * The advisory lock every write transaction takes first ("gonow" in ASCII): transactions run one
 * after another across every instance, as they do on SQLite, so a use case's
 * read-then-write never loses an update to an instance deciding at the same moment.
 */
export const WRITER_LOCK = 0x676f6e6f77;

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

/** The Store's statements on `q`. Nothing is cached: other instances write the same tables. */
export function createPgStatements(q: Queryable): Statements {
  const getVotes = async (releaseId: string) => (await q.select().from(votes).where(eq(votes.releaseSeq, seqOf(releaseId))).orderBy(asc(votes.at))).map(toVote);
  return {
    async insertRelease(r) {
      const [row] = await q
        .insert(releases)
        .values({ ...r, channelPlatform: r.channel.platform, channelKey: r.channel.key, channelNativeId: r.channel.nativeId })
        .returning();
      return toRelease(row!);
    },
    async getRelease(id) {
      const [row] = await q.select().from(releases).where(eq(releases.seq, seqOf(id)));
      return row ? toRelease(row) : undefined;
    },
    async updateRelease(id, patch) {
      const [row] = await q.update(releases).set(patch).where(eq(releases.seq, seqOf(id))).returning();
      if (!row) throw new Error(`release ${id} vanished during update`);
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
    async currentVotes(releaseId) {
      return new Map((await getVotes(releaseId)).map((v) => [v.voter, v]));
    },
    async getVote(releaseId, voter) {
      const [row] = await q.select().from(votes).where(and(eq(votes.releaseSeq, seqOf(releaseId)), eq(votes.voter, voter)));
      return row ? toVote(row) : undefined;
    },
    async upsertVote(releaseId, v) {
      const row = { voterName: v.voterName, choice: v.choice, reason: v.reason, roles: JSON.stringify(v.roles), at: v.at };
      await q
        .insert(votes)
        .values({ releaseSeq: seqOf(releaseId), voter: v.voter, ...row })
        .onConflictDoUpdate({ target: [votes.releaseSeq, votes.voter], set: row });
    },
    async deleteVote(releaseId, voter) {
      return ((await q.delete(votes).where(and(eq(votes.releaseSeq, seqOf(releaseId)), eq(votes.voter, voter)))).rowCount ?? 0) > 0;
    },
    async clearVotes(releaseId) {
      return (await q.delete(votes).where(eq(votes.releaseSeq, seqOf(releaseId)))).rowCount ?? 0;
    },

    async listCriteria(releaseId) {
      return (await q.select().from(releaseCriteria).where(eq(releaseCriteria.releaseSeq, seqOf(releaseId))).orderBy(asc(releaseCriteria.position))).map(toCriterion);
    },
    async replaceCriteria(releaseId, criteria) {
      const seq = seqOf(releaseId);
      await q.delete(releaseCriteria).where(eq(releaseCriteria.releaseSeq, seq));
      if (criteria.length) await q.insert(releaseCriteria).values(criteria.map((c, position) => ({ releaseSeq: seq, name: c.name, position, ...criterionColumns(c) })));
    },
    async saveCriterion(releaseId, c) {
      return ((await q.update(releaseCriteria).set(criterionColumns(c)).where(and(eq(releaseCriteria.releaseSeq, seqOf(releaseId)), eq(releaseCriteria.name, c.name)))).rowCount ?? 0) > 0;
    },

    /**
     * Links the event to the chain head, which it locks until this transaction ends: an
     * append on another instance waits here, then links to this event, so the chain never
     * forks. Identity ids are drawn after the lock, so id order is chain order. Callers
     * outside a transaction get one of their own (see createPostgresStore).
     */
    async appendAudit(e) {
      const [head] = await q.select({ hash: auditChainHead.hash }).from(auditChainHead).where(eq(auditChainHead.id, 1)).for("update");
      if (!head) throw new Error("audit_chain_head has no row: the PostgreSQL migrations did not finish; restart gonogo to apply them");
      const row = { releaseId: e.releaseId, at: e.at, actor: e.actor, platform: e.platform, type: e.type, data: JSON.stringify(e.data) };
      const hash = auditHash(head.hash, row);
      await q.insert(auditEvents).values({ ...row, prevHash: head.hash, hash });
      await q.update(auditChainHead).set({ hash }).where(eq(auditChainHead.id, 1));
    },
    async listAudit(releaseId) {
      return (await q.select().from(auditEvents).where(eq(auditEvents.releaseId, releaseId)).orderBy(asc(auditEvents.id))).map(toEvent);
    },
    async listAuditRange(from, to) {
      const rows = await q
        .select()
        .from(auditEvents)
        .where(and(gte(auditEvents.at, from), lte(auditEvents.at, to)))
        .orderBy(asc(auditEvents.id));
      return rows.map((r) => ({ ...toEvent(r), id: r.id, hash: r.hash ?? "" }));
    },
    verifyAudit: () => verifyChainOn(q),

    async getPolicy(channelKey) {
      const [row] = await q.select({ settings: policies.settings }).from(policies).where(eq(policies.channelKey, channelKey));
      return row ? (JSON.parse(row.settings) as Partial<Policy>) : undefined;
    },
    async setPolicy(channelKey, policy) {
      const settings = JSON.stringify(policy);
      await q.insert(policies).values({ channelKey, settings }).onConflictDoUpdate({ target: policies.channelKey, set: { settings } });
    },

    async listRoleBindings(subjects) {
      if (subjects?.length === 0) return [];
      return q
        .select()
        .from(roleBindings)
        .where(subjects ? inArray(roleBindings.subject, subjects) : undefined)
        .orderBy(asc(roleBindings.role), asc(roleBindings.subject));
    },
    async grantRole(b) {
      return ((await q.insert(roleBindings).values(b).onConflictDoNothing()).rowCount ?? 0) > 0;
    },
    async revokeRole(subject, role) {
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

const ended = (name: string) => new Error(`store.${name}: this transaction has already ended; use the store, or a new transaction`);

/** A handle on one open transaction that refuses every call once the transaction has ended. */
function openHandle(statements: Statements): { tx: Store; end: () => void } {
  let open = true;
  const tx = {} as Record<string, unknown>;
  for (const [name, run] of Object.entries(statements) as Array<[string, (...args: unknown[]) => Promise<unknown>]>) {
    tx[name] = (...args: unknown[]) => (open ? run(...args) : Promise.reject(ended(name)));
  }
  tx.transaction = <T>(fn: (t: Store) => Promise<T>): Promise<T> => (open ? fn(tx as unknown as Store) : Promise.reject(ended("transaction")));
  return { tx: tx as unknown as Store, end: () => (open = false) };
}

/**
 * The Store port on PostgreSQL. `transaction(fn)` runs fn on one pooled connection inside
 * BEGIN … COMMIT (ROLLBACK when fn throws), after taking the writer lock; a nested
 * `tx.transaction` joins it. Reads outside a transaction run straight on the pool and see
 * committed data only; single writes are one statement each, and an audit append outside
 * a transaction gets a short transaction of its own for the chain head's lock.
 */
export function createPostgresStore(handle: PostgresHandle): Store {
  const { db } = handle;
  const onPool = createPgStatements(db);

  const transaction = <T>(fn: (tx: Store) => Promise<T>): Promise<T> =>
    db.transaction(async (connection) => {
      await connection.execute(sql`SELECT pg_advisory_xact_lock(${WRITER_LOCK})`);
      const { tx, end } = openHandle(createPgStatements(connection));
      try {
        return await fn(tx);
      } finally {
        end();
      }
    });

  return {
    ...onPool,
    transaction,
    appendAudit: (e) => db.transaction((connection) => createPgStatements(connection).appendAudit(e)),
  };
}
